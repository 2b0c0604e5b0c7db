package uz.lms.registration.verification.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.verification.VerificationServiceTest;

class UnverifiedUsersTests extends VerificationServiceTest {

    @Autowired
    UnverifiedUsers unverifiedUsers;

    @Test
    void usersWhoNeverVerifiedAreDeletedOnceInactiveForADayAndOthersAreKept() {
        long abandoned = newTelegramId();
        client.register(abandoned, newPhoneNumber());
        long verified = newTelegramId();
        client.register(verified, newPhoneNumber());
        client.verify(verified, deliveredCode(verified).code());
        long active = newTelegramId();
        String activePhone = newPhoneNumber();
        client.register(active, activePhone);
        clock.advance(Duration.ofDays(1).minusMinutes(1));
        client.register(active, activePhone);
        clock.advance(Duration.ofMinutes(2));

        unverifiedUsers.deleteAbandoned();

        assertThat(exists(abandoned)).isFalse();
        assertThat(exists(verified)).isTrue();
        assertThat(exists(active)).isTrue();
        assertThat(client.register(abandoned, newPhoneNumber()))
                .as("back as a new user")
                .isEqualTo(new CodeSent(60));
    }

    @Test
    void oneSweepDeletesThemAllInBatches() {
        long first = newTelegramId() / 2;
        Instant longAgo = clock.instant().minus(Duration.ofDays(2));
        jdbc.sql("""
                        INSERT INTO users (telegram_id, phone_number, language, created_at, updated_at)
                        SELECT ? + n, '+99890' || (1000000 + n), 'uz', ?, ? FROM generate_series(1, 2500) n""")
                .params(first, longAgo.atOffset(ZoneOffset.UTC), longAgo.atOffset(ZoneOffset.UTC))
                .update();

        unverifiedUsers.deleteAbandoned();

        assertThat(jdbc.sql("SELECT count(*) FROM users WHERE telegram_id BETWEEN ? AND ?")
                        .params(first, first + 2500)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private boolean exists(long telegramId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM users WHERE telegram_id = ?)")
                .param(telegramId)
                .query(Boolean.class)
                .single();
    }
}
