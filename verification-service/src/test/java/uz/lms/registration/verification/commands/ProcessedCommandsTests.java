package uz.lms.registration.verification.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import uz.lms.registration.verification.VerificationServiceTest;

class ProcessedCommandsTests extends VerificationServiceTest {

    @Autowired
    ProcessedCommands processed;

    @Test
    void commandsOlderThanTheRetentionAreForgottenInBatchesAndNewerOnesKept() {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        OffsetDateTime pastRetention = now.minus(Duration.ofDays(1)).minusSeconds(1);
        jdbc.sql("INSERT INTO processed_commands (event_id, processed_at) SELECT gen_random_uuid(), ? "
                        + "FROM generate_series(1, 2500)")
                .param(pastRetention)
                .update();
        UUID recent = UUID.randomUUID();
        jdbc.sql("INSERT INTO processed_commands (event_id, processed_at) VALUES (?, ?)")
                .params(recent, now.minus(Duration.ofDays(1)).plusSeconds(1))
                .update();

        processed.forgetOldCommands();

        assertThat(jdbc.sql("SELECT count(*) FROM processed_commands WHERE processed_at <= ?")
                        .param(pastRetention)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM processed_commands WHERE event_id = ?")
                        .param(recent)
                        .query(Long.class)
                        .single())
                .isOne();
    }
}
