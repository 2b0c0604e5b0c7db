package uz.lms.registration.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import uz.lms.registration.contracts.RegistrationOutcome.CodeSent;
import uz.lms.registration.contracts.RegistrationOutcome.ShareNumberFirst;
import uz.lms.registration.contracts.UserEvent;
import uz.lms.registration.contracts.VerificationOutcome.Verified;
import uz.lms.registration.verification.users.Channel;
import uz.lms.registration.verification.users.Source;

/**
 * The operator trusts the gateway's callers on both sides ({@code gateway.trust-caller-phone-numbers}, whose
 * registrations say so, and {@code verification.trust-caller-phone-numbers}): the specification's original flow.
 * It runs in a JVM of its own (tag {@code own-jvm}, see the pom), and stops with its class: the other tests' service,
 * which does not trust callers, must not share its consumer groups.
 */
@Tag("own-jvm")
@TestPropertySource(properties = "verification.trust-caller-phone-numbers=true")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TrustedCallersTests extends VerificationServiceTest {

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    /** A group may still wait for the members of a service another test class of this JVM stopped. */
    @BeforeEach
    void consuming() {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> listeners.getListenerContainers().stream().allMatch(container -> {
                    var assigned = container.getAssignedPartitions();
                    return assigned != null && !assigned.isEmpty();
                }));
    }

    @Test
    void aTrustedCallerMayCreateTheUserAndSetItsNumberAsTheSpecificationDoes() {
        long telegramId = newTelegramId();
        String first = newPhoneNumber();
        String second = newPhoneNumber();

        assertThat(client.register(telegramId, first, Source.TRUSTED_CALLER)).isEqualTo(new CodeSent(60));
        clock.advance(Duration.ofSeconds(30));
        assertThat(client.register(telegramId, second, Source.TRUSTED_CALLER)).isEqualTo(new CodeSent(60));

        await().until(() -> deliveredCodes(telegramId).size() == 2);
        assertThat(client.verify(telegramId, deliveredCode(telegramId).code(), Channel.API))
                .isEqualTo(new Verified());
        await().untilAsserted(() -> assertThat(userEvents(telegramId))
                .last()
                .isInstanceOfSatisfying(
                        UserEvent.UserVerified.class,
                        event -> assertThat(event.phoneNumber()).isEqualTo(second)));
    }

    @Test
    void aNumberATrustedCallerSetIsNotAttested() {
        long telegramId = newTelegramId();
        String phone = newPhoneNumber();
        client.register(telegramId, phone, Source.TRUSTED_CALLER);
        clock.advance(Duration.ofSeconds(30));

        assertThat(client.register(telegramId, phone, Source.CALLER)).isEqualTo(new ShareNumberFirst());
    }

    @Test
    void aCallerTheGatewayDoesNotVouchForStillCreatesNoUser() {
        long telegramId = newTelegramId();

        assertThat(client.register(telegramId, newPhoneNumber(), Source.CALLER)).isEqualTo(new ShareNumberFirst());

        assertThat(usersWith(telegramId)).isZero();
    }
}
