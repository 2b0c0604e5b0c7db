package uz.lms.registration.verification.users;

import java.time.Clock;
import java.time.Instant;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import uz.lms.registration.verification.VerificationProperties;

/**
 * Deletes users who never verified once they have been inactive for
 * {@code verification.unverified-retention}, so that abandoned registrations do not pile up, and the checks of
 * unknown ids after as long ({@link UnknownTelegramIds}), so that those answer as such an account does and stay
 * bounded. A thousand rows per statement, each committed on its own, so that no sweep holds many locks for long.
 */
@Component
class UnverifiedUsers {

    private static final Logger log = LoggerFactory.getLogger(UnverifiedUsers.class);
    private static final int BATCH = 1_000;

    private final Users users;
    private final UnknownTelegramIds unknownIds;
    private final VerificationProperties properties;
    private final Clock clock;

    UnverifiedUsers(Users users, UnknownTelegramIds unknownIds, VerificationProperties properties, Clock clock) {
        this.users = users;
        this.unknownIds = unknownIds;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${verification.cleanup-interval}")
    void deleteAbandoned() {
        Instant floor = clock.instant().minus(properties.unverifiedRetention());
        int deleted = inBatches(limit -> users.deleteUnverifiedInactiveSince(floor, limit));
        if (deleted > 0) {
            log.info("deleted {} unverified users inactive since {}", deleted, floor);
        }
        int forgotten = inBatches(limit -> unknownIds.deleteCheckedBefore(floor, limit));
        if (forgotten > 0) {
            log.info("forgot the checks of {} unknown telegram_ids checked last before {}", forgotten, floor);
        }
    }

    /** Deletes {@link #BATCH} rows at a time until fewer are left; returns how many in all. */
    private static int inBatches(IntUnaryOperator deleteUpTo) {
        int deleted = 0;
        int batch;
        do {
            batch = deleteUpTo.applyAsInt(BATCH);
            deleted += batch;
        } while (batch == BATCH);
        return deleted;
    }
}
