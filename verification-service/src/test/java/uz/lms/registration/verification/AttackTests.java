package uz.lms.registration.verification;

import org.junit.jupiter.api.Test;
import uz.lms.registration.contracts.Channel;
import uz.lms.registration.contracts.RegisterUser.Source;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.RegistrationOutcome.ShareNumberFirst;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.contracts.VerificationOutcome.Verified;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Attacks on other people's registrations, made as an outsider would: through the HTTP API (commands
 * from a caller, checks over {@code api}) knowing a victim's {@code telegram_id} and phone number.
 * Each fails, and the victim can still register through the chat.
 */
class AttackTests extends VerificationServiceTest {

    @Test
    void nobodyCanBindSomeoneElsesNumberToTheirAccountThroughTheApi() {
        long attacker = newTelegramId();
        String attackersOwn = newPhoneNumber();
        client.register(attacker, attackersOwn);
        String victimsNumber = newPhoneNumber();

        assertThat(client.register(attacker, victimsNumber, Source.CALLER)).isEqualTo(new ShareNumberFirst());
        assertThat(client.register(newTelegramId(), victimsNumber, Source.CALLER)).isEqualTo(new ShareNumberFirst());

        assertThat(jdbc.sql("SELECT count(*) FROM users WHERE phone_number = ?").param(victimsNumber)
                .query(Long.class).single()).isZero();
        long victim = newTelegramId();
        assertThat(client.register(victim, victimsNumber)).isEqualTo(new CodeSent(60));
        assertThat(client.verify(victim, deliveredCode(victim).code())).isEqualTo(new Verified());
    }

    @Test
    void nobodyCanSwapThePendingNumberOfSomeoneElsesRegistration() {
        long victim = newTelegramId();
        String victimsNumber = newPhoneNumber();
        client.register(victim, victimsNumber);
        String code = deliveredCode(victim).code();
        clock.advance(Duration.ofSeconds(30));

        assertThat(client.register(victim, newPhoneNumber(), Source.CALLER)).isEqualTo(new ShareNumberFirst());

        assertThat(client.verify(victim, code)).isEqualTo(new Verified());
        await().untilAsserted(() -> assertThat(userEvents(victim)).last()
                .isInstanceOfSatisfying(UserEvent.UserVerified.class,
                        event -> assertThat(event.phoneNumber()).isEqualTo(victimsNumber)));
    }

    @Test
    void theApiDoesNotTellWhoseNumberIsVerified() {
        long owner = newTelegramId();
        String phone = newPhoneNumber();
        client.register(owner, phone);
        client.verify(owner, deliveredCode(owner).code());

        assertThat(client.register(newTelegramId(), phone, Source.CALLER)).isEqualTo(new ShareNumberFirst());
    }

    @Test
    void aHundredWrongHttpChecksLeaveTheChatAbleToVerify() {
        long victim = newTelegramId();
        client.register(victim, newPhoneNumber());
        String code = deliveredCode(victim).code();
        String wrong = code.equals("000000") ? "111111" : "000000";

        for (int i = 0; i < 100; i++) {
            client.verify(victim, wrong, Channel.API);
        }

        assertThat(client.verify(victim, code, Channel.CHAT)).isEqualTo(new Verified());
    }

    @Test
    void askingForCodesThroughTheApiNeverKeepsTheUserFromGettingOneInTheChat() {
        long victim = newTelegramId();
        String victimsNumber = newPhoneNumber();
        client.register(victim, victimsNumber);
        deliveredCode(victim);
        List<RegistrationOutcome> attacks = new ArrayList<>();

        for (int i = 0; i < 20; i++) {
            attacks.add(client.register(victim, victimsNumber, Source.CALLER));
            attacks.add(client.register(victim, victimsNumber, Source.CALLER));
            clock.advance(Duration.ofSeconds(15));
        }

        assertThat(attacks).filteredOn(CodeSent.class::isInstance).hasSize(5);
        assertThat(client.register(victim, victimsNumber)).isEqualTo(new CodeSent(60));
        await().until(() -> deliveredCodes(victim).size() == 7);
        assertThat(client.verify(victim, deliveredCode(victim).code())).isEqualTo(new Verified());
    }
}
