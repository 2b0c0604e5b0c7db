package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.RegisterUser;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.RegistrationOutcome.ShareNumberFirst;
import uz.lms.registration.contracts.RegistrationOutcome.TooManyRequests;
import uz.lms.registration.contracts.RegistrationReply;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.contracts.VerificationOutcome.InvalidOrExpiredCode;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.verification.users.Channel;
import uz.lms.registration.verification.users.Source;

class RegistrationTests extends VerificationServiceTest {

    @Test
    void registeringWithAValidPhoneAndTelegramIdSendsASixDigitCodeThroughTelegramOnly() {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();

        assertThat(client.register(telegramId, phone)).isEqualTo(new CodeSent(60));

        DeliverCode delivered = deliveredCode(telegramId);
        assertThat(delivered.code()).matches("[0-9]{6}");
        assertThat(delivered.expiresAt()).isEqualTo(clock.instant().plusSeconds(60));
        assertThat(delivered.language()).isEqualTo("uz");
        await().untilAsserted(() -> assertThat(userEvents(telegramId))
                .hasExactlyElementsOfTypes(UserEvent.UserRegistered.class, UserEvent.CodeIssued.class));
        var row = jdbc.sql("SELECT phone_number, verification_code, is_verified FROM users WHERE telegram_id = ?")
                .param(telegramId)
                .query()
                .singleRow();
        assertThat(row.get("phone_number")).isEqualTo(phone);
        assertThat(row.get("is_verified")).isEqualTo(false);
        assertThat((String) row.get("verification_code"))
                .matches("[0-9a-f]{64}")
                .doesNotContain(delivered.code());
    }

    @Test
    void registeringAgainWithinTheCooldownIsRejectedWithTheSecondsToWait() {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        clock.advance(Duration.ofSeconds(12));

        assertThat(client.register(telegramId, newPhoneNumber())).isEqualTo(new TooManyRequests(18));
    }

    @Test
    void aNewCodeAfterTheCooldownReplacesTheOldOne() {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        client.register(telegramId, phone);
        String first = deliveredCode(telegramId).code();
        clock.advance(Duration.ofSeconds(30));

        assertThat(client.register(telegramId, phone)).isEqualTo(new CodeSent(60));
        await().until(() -> deliveredCodes(telegramId).size() == 2);
        String second = deliveredCode(telegramId).code();

        if (!first.equals(second)) {
            assertThat(client.verify(telegramId, first)).isEqualTo(new InvalidOrExpiredCode());
        }
        assertThat(client.verify(telegramId, second)).isEqualTo(new Verified());
    }

    @Test
    void theSendQuotaAllowsFiveCodesPerTenMinutes() {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        Instant windowStart = clock.instant();
        for (int i = 0; i < 5; i++) {
            assertThat(client.register(telegramId, phone)).isEqualTo(new CodeSent(60));
            clock.advance(Duration.ofSeconds(30));
        }

        // 150 s into the window: the quota frees up when the window ends, 450 s from now.
        assertThat(client.register(telegramId, phone)).isEqualTo(new TooManyRequests(450));

        clock.advance(Duration.between(clock.instant(), windowStart.plus(Duration.ofMinutes(10))));
        assertThat(client.register(telegramId, phone)).isEqualTo(new CodeSent(60));
    }

    @Test
    void registeringAVerifiedUserAgainIsRejected() {
        long telegramId = newTelegramId();
        client.register(telegramId, newPhoneNumber());
        client.verify(telegramId, deliveredCode(telegramId).code());

        assertThat(client.register(telegramId, newPhoneNumber())).isEqualTo(new AlreadyVerified());
    }

    @Test
    void aPhoneNumberAnotherUserVerifiedCannotBeRegistered() {
        long owner = newTelegramId();
        String phone = newPhoneNumber();
        client.register(owner, phone);
        client.verify(owner, deliveredCode(owner).code());

        long other = newTelegramId();
        assertThat(client.register(other, phone)).isEqualTo(new PhoneNumberTaken());
        assertThat(usersWith(other)).isZero();
    }

    @Test
    void aRedeliveredCommandGetsItsFirstReplyAndChangesNothing() {
        long telegramId = newTelegramId();
        var command = new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, newPhoneNumber(), "ru", false);

        RegistrationReply first = client.register(command);
        RegistrationReply again = client.register(command);

        assertThat(again).isEqualTo(first);
        assertThat(first.outcome()).isEqualTo(new CodeSent(60));
        assertThat(deliveredCode(telegramId).language()).isEqualTo("ru");
        await().during(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(deliveredCodes(telegramId)).hasSize(1);
            assertThat(userEvents(telegramId)).hasSize(2);
        });
    }

    @Test
    void aCallerGetsANewCodeForTheNumberTheUserSharedWithTheBot() {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        client.register(telegramId, phone);
        deliveredCode(telegramId);

        assertThat(client.register(telegramId, phone, Source.CALLER)).isEqualTo(new CodeSent(60));

        await().until(() -> deliveredCodes(telegramId).size() == 2);
        assertThat(client.verify(telegramId, deliveredCode(telegramId).code(), Channel.API))
                .isEqualTo(new Verified());
    }

    @Test
    void aCallerNeverCreatesAUser() {
        long telegramId = newTelegramId();

        assertThat(client.register(telegramId, newPhoneNumber(), Source.CALLER)).isEqualTo(new ShareNumberFirst());

        assertThat(usersWith(telegramId)).isZero();
    }

    @Test
    void aCallerGetsNoCodeForANumberTelegramDidNotAttest() {
        long telegramId = newTelegramId();
        String shared = newPhoneNumber();
        client.register(telegramId, shared);
        String other = newPhoneNumber();

        assertThat(client.register(telegramId, other, Source.CALLER)).isEqualTo(new ShareNumberFirst());

        assertThat(jdbc.sql("SELECT phone_number FROM users WHERE telegram_id = ?")
                        .param(telegramId)
                        .query(String.class)
                        .single())
                .isEqualTo(shared);
        await().during(Duration.ofSeconds(1))
                .until(() -> deliveredCodes(telegramId).size() == 1);
    }

    @Test
    void aSharedContactReplacesThePendingNumberAndIsTheOneCallersMayUse() {
        long telegramId = newTelegramId();
        String first = newPhoneNumber();
        String second = newPhoneNumber();
        client.register(telegramId, first);
        clock.advance(Duration.ofSeconds(30));

        assertThat(client.register(telegramId, second)).isEqualTo(new CodeSent(60));

        assertThat(client.register(telegramId, first, Source.CALLER)).isEqualTo(new ShareNumberFirst());
        assertThat(client.register(telegramId, second, Source.CALLER)).isEqualTo(new CodeSent(60));
    }

    @Test
    void theCodeIsDeliveredInTheLanguageTheUserSharedTheirContactIn() {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        client.register(new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, phone, "ru", false));
        deliveredCode(telegramId);

        client.registerAsCaller(new RegisterUser(UUID.randomUUID(), Instant.now(), telegramId, phone, "uz", false));

        await().until(() -> deliveredCodes(telegramId).size() == 2);
        assertThat(deliveredCode(telegramId).language()).isEqualTo("ru");
    }
}
