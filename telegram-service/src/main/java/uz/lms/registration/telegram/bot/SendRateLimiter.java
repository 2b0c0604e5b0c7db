package uz.lms.registration.telegram.bot;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Spaces outgoing messages to stay within Telegram's limits: a minimum gap between two messages
 * to one chat and a steady overall rate. Callers wait for their slot; nothing is dropped.
 * <p>
 * A message first waits for its chat's turn and only then takes a place in the overall rate, so a
 * chat with many messages queued delays its own messages, never other chats'.
 */
final class SendRateLimiter {

    private static final int PRUNE_ABOVE = 10_000;

    private final long perChatNanos;
    private final long overallNanos;
    private final LongSupplier nanoTime;
    private final Map<Long, Long> nextSlotPerChat = new HashMap<>();
    private long nextSlot;

    /** @param nanoTime the time source, {@code System::nanoTime} outside tests */
    SendRateLimiter(Duration perChat, int perSecond, LongSupplier nanoTime) {
        this.perChatNanos = perChat.toNanos();
        this.overallNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.nanoTime = nanoTime;
        this.nextSlot = nanoTime.getAsLong();
    }

    /** Waits until a message to this chat may be sent. */
    void acquire(long chatId) throws InterruptedException {
        sleepUntil(reserveChatSlot(chatId));
        sleepUntil(reserveOverallSlot());
    }

    /** When this chat's next message may leave, as far as the chat's own gap goes. */
    synchronized long reserveChatSlot(long chatId) {
        long now = nanoTime.getAsLong();
        long slot = Math.max(now, nextSlotPerChat.getOrDefault(chatId, now));
        if (nextSlotPerChat.size() > PRUNE_ABOVE) {
            nextSlotPerChat.values().removeIf(next -> next - now < 0);
        }
        nextSlotPerChat.put(chatId, slot + perChatNanos);
        return slot;
    }

    /** When a message that is due now may leave, as far as the overall rate goes. */
    synchronized long reserveOverallSlot() {
        long slot = Math.max(nanoTime.getAsLong(), nextSlot);
        nextSlot = slot + overallNanos;
        return slot;
    }

    private void sleepUntil(long slot) throws InterruptedException {
        long wait = slot - nanoTime.getAsLong();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
