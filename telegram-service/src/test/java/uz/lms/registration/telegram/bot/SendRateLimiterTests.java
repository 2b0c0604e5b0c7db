package uz.lms.registration.telegram.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The limiter's schedule on a hand-moved time source: no test waits for real time to pass. */
class SendRateLimiterTests {

    private static final long MS = 1_000_000;

    private final AtomicLong now = new AtomicLong();

    @Test
    void messagesToOneChatAreSpacedByThePerChatGap() {
        SendRateLimiter limiter = new SendRateLimiter(Duration.ofMillis(300), 1000, now::get);

        assertThat(limiter.reserveChatSlot(1)).isEqualTo(0);
        assertThat(limiter.reserveChatSlot(1)).isEqualTo(300 * MS);
        assertThat(limiter.reserveChatSlot(1)).isEqualTo(600 * MS);
    }

    @Test
    void differentChatsOnlyShareTheOverallRate() {
        SendRateLimiter limiter = new SendRateLimiter(Duration.ofSeconds(10), 20, now::get);

        for (long chat = 1; chat <= 5; chat++) {
            assertThat(limiter.reserveChatSlot(chat)).isZero();
        }

        // five messages at 20/s: 50 ms apart, far from the per-chat gap
        for (int message = 0; message < 5; message++) {
            assertThat(limiter.reserveOverallSlot()).isEqualTo(message * 50 * MS);
        }
    }

    @Test
    void aChatWithManyMessagesQueuedDoesNotDelayOtherChats() {
        SendRateLimiter limiter = new SendRateLimiter(Duration.ofSeconds(1), 30, now::get);
        for (int message = 0; message < 20; message++) {
            limiter.reserveChatSlot(1);
        }
        limiter.reserveOverallSlot();

        assertThat(limiter.reserveChatSlot(2)).isZero();
        assertThat(limiter.reserveOverallSlot()).isLessThan(50 * MS);
    }

    @Test
    void aSlotThatHasPassedIsNotReservedInThePast() {
        SendRateLimiter limiter = new SendRateLimiter(Duration.ofSeconds(1), 30, now::get);
        limiter.reserveChatSlot(1);
        now.set(5_000 * MS);

        assertThat(limiter.reserveChatSlot(1)).isEqualTo(5_000 * MS);
        assertThat(limiter.reserveOverallSlot()).isEqualTo(5_000 * MS);
    }
}
