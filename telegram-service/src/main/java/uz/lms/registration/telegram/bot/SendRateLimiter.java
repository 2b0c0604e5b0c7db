package uz.lms.registration.telegram.bot;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Spaces outgoing messages to stay within Telegram's limits: a minimum gap between two messages
 * to one chat and a steady overall rate. Callers wait for their slot; nothing is dropped.
 */
final class SendRateLimiter {

    private static final int PRUNE_ABOVE = 10_000;

    private final long perChatNanos;
    private final long overallNanos;
    private final Map<Long, Long> nextSlotPerChat = new HashMap<>();
    private long nextSlot = System.nanoTime();

    SendRateLimiter(Duration perChat, int perSecond) {
        this.perChatNanos = perChat.toNanos();
        this.overallNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    }

    /** Waits until a message to this chat may be sent. */
    void acquire(long chatId) throws InterruptedException {
        long slot = reserve(chatId);
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private synchronized long reserve(long chatId) {
        long now = System.nanoTime();
        long slot = Math.max(now, Math.max(nextSlot, nextSlotPerChat.getOrDefault(chatId, now)));
        nextSlot = slot + overallNanos;
        if (nextSlotPerChat.size() > PRUNE_ABOVE) {
            nextSlotPerChat.values().removeIf(next -> next - now < 0);
        }
        nextSlotPerChat.put(chatId, slot + perChatNanos);
        return slot;
    }
}
