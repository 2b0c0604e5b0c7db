package uz.lms.registration.telegram;

/** Topics internal to telegram-service; the shared ones are in {@code contracts}' {@code Topics}. */
public final class TelegramTopics {

    /** Chat messages the poller took from Telegram, keyed by user id, for any instance to answer. */
    public static final String UPDATES = "telegram.updates";

    /**
     * Carries no records: its one partition is the poller lock. The instance the consumer group
     * assigns it to is the one that polls Telegram (see {@code PollerElection}).
     */
    public static final String POLLER = "telegram.poller";

    private TelegramTopics() {}
}
