package uz.lms.registration.telegram.bot;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SendRateLimiterTests {

    @Test
    void messagesToOneChatAreSpacedByThePerChatGap() throws InterruptedException {
        SendRateLimiter limiter = new SendRateLimiter(Duration.ofMillis(300), 1000);

        long started = System.nanoTime();
        limiter.acquire(1);
        limiter.acquire(1);
        limiter.acquire(1);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    @Test
    void differentChatsOnlyShareTheOverallRate() throws InterruptedException {
        SendRateLimiter limiter = new SendRateLimiter(Duration.ofSeconds(10), 20);

        long started = System.nanoTime();
        for (long chat = 1; chat <= 5; chat++) {
            limiter.acquire(chat);
        }

        // five messages at 20/s: the last one leaves 200 ms after the first, far from the per-chat gap
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isBetween(Duration.ofMillis(190), Duration.ofSeconds(2));
    }
}
