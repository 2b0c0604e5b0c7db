package uz.lms.registration.verification.users;

import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import uz.lms.registration.verification.VerificationProperties;

/**
 * Deletes users who never verified once they have been inactive for
 * {@code verification.unverified-retention}, so that abandoned registrations do not pile up. A
 * thousand rows per statement, each committed on its own, so that no sweep holds many locks for long.
 */
@Component
class UnverifiedUsers {

    private static final Logger log = LoggerFactory.getLogger(UnverifiedUsers.class);
    private static final int BATCH = 1_000;

    private final Users users;
    private final VerificationProperties properties;
    private final Clock clock;

    UnverifiedUsers(Users users, VerificationProperties properties, Clock clock) {
        this.users = users;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${verification.cleanup-interval}")
    void deleteAbandoned() {
        Instant floor = clock.instant().minus(properties.unverifiedRetention());
        int deleted = 0;
        int batch;
        do {
            batch = users.deleteUnverifiedInactiveSince(floor, BATCH);
            deleted += batch;
        } while (batch == BATCH);
        if (deleted > 0) {
            log.info("deleted {} unverified users inactive since {}", deleted, floor);
        }
    }
}
