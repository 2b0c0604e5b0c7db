package uz.lms.registration.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class WireFormatTests {

    private static final UUID ID = UUID.fromString("0b6f1d2e-8a8e-4c55-9c1c-3f1b2a7d9e10");
    private static final Instant AT = Instant.parse("2026-11-25T10:15:30Z");

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void commandsAreSnakeCaseWithIsoTimestamps() {
        String written = json.writeValueAsString(
                new RegisterUser(ID, AT, 123456789L, "+998901234567", "uz", RegisterUser.Source.TELEGRAM_CONTACT));

        assertThat(written)
                .isEqualTo("{\"event_id\":\"" + ID + "\",\"occurred_at\":\"2026-11-25T10:15:30Z\","
                        + "\"telegram_id\":123456789,\"phone_number\":\"+998901234567\",\"language\":\"uz\","
                        + "\"source\":\"telegram_contact\"}");
    }

    @Test
    void commandsSayWhereTheyComeFromInSnakeCase() {
        var caller = new RegisterUser(ID, AT, 7L, "+998901234567", "uz", RegisterUser.Source.CALLER);
        var trusted = new RegisterUser(ID, AT, 7L, "+998901234567", "uz", RegisterUser.Source.TRUSTED_CALLER);
        var chat = new VerifyCode(ID, AT, 7L, "348291", Channel.CHAT);
        var api = new VerifyCode(ID, AT, 7L, "348291", Channel.API);

        assertThat(json.writeValueAsString(caller)).endsWith(",\"source\":\"caller\"}");
        assertThat(json.writeValueAsString(trusted)).endsWith(",\"source\":\"trusted_caller\"}");
        assertThat(json.writeValueAsString(chat)).endsWith(",\"channel\":\"chat\"}");
        assertThat(json.writeValueAsString(api)).endsWith(",\"channel\":\"api\"}");
        assertThat(json.readValue(json.writeValueAsString(trusted), RegisterUser.class))
                .isEqualTo(trusted);
        assertThat(json.readValue(json.writeValueAsString(api), VerifyCode.class))
                .isEqualTo(api);
    }

    @Test
    void aCommandThatDoesNotSayWhereItComesFromCannotBeReadOffTheWire() {
        String noSource = "{\"event_id\":\"" + ID + "\",\"telegram_id\":1,\"phone_number\":\"+998901234567\","
                + "\"language\":\"uz\"}";
        String unknownSource = "{\"event_id\":\"" + ID + "\",\"telegram_id\":1,\"phone_number\":\"+998901234567\","
                + "\"language\":\"uz\",\"source\":\"gateway\"}";
        String noChannel = "{\"event_id\":\"" + ID + "\",\"telegram_id\":1,\"verification_code\":\"123456\"}";
        String unknownChannel = "{\"event_id\":\"" + ID + "\",\"telegram_id\":1,\"verification_code\":\"123456\","
                + "\"channel\":\"CHAT\"}";
        String channelIndex = unknownChannel.replace("\"CHAT\"", "0");

        assertThatThrownBy(() -> json.readValue(noSource, RegisterUser.class)).hasMessageContaining("source");
        assertThatThrownBy(() -> json.readValue(unknownSource, RegisterUser.class))
                .hasMessageContaining("source");
        assertThatThrownBy(() -> json.readValue(noChannel, VerifyCode.class)).hasMessageContaining("channel");
        assertThatThrownBy(() -> json.readValue(unknownChannel, VerifyCode.class))
                .hasMessageContaining("channel");
        assertThatThrownBy(() -> json.readValue(channelIndex, VerifyCode.class)).hasMessageContaining("channel");
    }

    @Test
    void theShareFirstOutcomeHasItsWireName() {
        var reply = new RegistrationReply(ID, AT, 7L, new RegistrationOutcome.ShareNumberFirst());

        String written = json.writeValueAsString(reply);

        assertThat(written).contains("\"outcome\":{\"type\":\"share_phone_number_first\"}");
        assertThat(json.readValue(written, RegistrationReply.class)).isEqualTo(reply);
    }

    @Test
    void outcomesCarryATypeIdAndNoJavaClassName() {
        var reply = new RegistrationReply(ID, AT, 7L, new RegistrationOutcome.TooManyRequests(12));

        String written = json.writeValueAsString(reply);

        assertThat(written)
                .contains("\"outcome\":{\"type\":\"too_many_requests\",\"retry_after\":12}")
                .doesNotContain("uz.lms");
        assertThat(json.readValue(written, RegistrationReply.class)).isEqualTo(reply);
    }

    @Test
    void sharedOutcomesReadBackUnderEitherCommand() {
        String written = json.writeValueAsString(new VerificationReply(ID, AT, 7L, new AlreadyVerified()));

        assertThat(json.readValue(written, VerificationReply.class).outcome()).isEqualTo(new AlreadyVerified());
        assertThat(written).contains("{\"type\":\"already_verified\"}");
    }

    @Test
    void anOutcomeIsNamedByItsTypeIdOnTheWire() {
        List<RegistrationOutcome> registrations = List.of(
                new RegistrationOutcome.CodeSent(60),
                new AlreadyVerified(),
                new PhoneNumberTaken(),
                new RegistrationOutcome.TooManyRequests(12));
        List<VerificationOutcome> verifications = List.of(
                new VerificationOutcome.Verified(),
                new VerificationOutcome.InvalidOrExpiredCode(),
                new AlreadyVerified(),
                new VerificationOutcome.AttemptsExhausted(),
                new PhoneNumberTaken());

        assertThat(registrations)
                .extracting(Outcome::type)
                .containsExactly("code_sent", "already_verified", "phone_number_taken", "too_many_requests");
        assertThat(verifications)
                .extracting(Outcome::type)
                .containsExactly(
                        "verified",
                        "invalid_or_expired_code",
                        "already_verified",
                        "attempts_exhausted",
                        "phone_number_taken");
        for (RegistrationOutcome outcome : registrations) {
            assertThat(json.writerFor(RegistrationOutcome.class).writeValueAsString(outcome))
                    .startsWith("{\"type\":\"" + outcome.type() + "\"");
        }
        for (VerificationOutcome outcome : verifications) {
            assertThat(json.writerFor(VerificationOutcome.class).writeValueAsString(outcome))
                    .isEqualTo("{\"type\":\"" + outcome.type() + "\"}");
        }
    }

    @Test
    void userEventsAreTypedByTheirPastTenseName() {
        UserEvent event = new UserEvent.CodeIssued(ID, AT, 7L, AT.plusSeconds(60));

        String written = json.writeValueAsString(event);

        assertThat(written).startsWith("{\"type\":\"CodeIssued\"").doesNotContain("code\":");
        assertThat(json.readValue(written, UserEvent.class)).isEqualTo(event);
    }

    @Test
    void deliveryEventsReadBack() {
        DeliveryEvent event = new DeliveryEvent.CodeDeliveryFailed(ID, AT, 7L, ID, "blocked");

        assertThat(json.readValue(json.writeValueAsString(event), DeliveryEvent.class))
                .isEqualTo(event);
    }

    @Test
    void codesAndPhoneNumbersNeverShowInToString() {
        assertThat(new VerifyCode(ID, AT, 7L, "348291", Channel.API).toString()).doesNotContain("348291");
        assertThat(new DeliverCode(ID, AT, 7L, "348291", AT, "uz").toString()).doesNotContain("348291");
        assertThat(new RegisterUser(ID, AT, 7L, "+998901234567", "uz", RegisterUser.Source.CALLER).toString())
                .doesNotContain("901234567");
    }

    @Test
    void invalidCommandsCannotBeReadOffTheWire() {
        String notE164 =
                "{\"event_id\":\"" + ID + "\",\"telegram_id\":1,\"phone_number\":\"998901234567\",\"language\":\"uz\"}";
        String negativeId = "{\"event_id\":\"" + ID + "\",\"telegram_id\":-1,\"verification_code\":\"123456\"}";
        String fiveDigits = "{\"event_id\":\"" + ID + "\",\"telegram_id\":1,\"verification_code\":\"12345\"}";

        assertThatThrownBy(() -> json.readValue(notE164, RegisterUser.class)).hasMessageContaining("E.164");
        assertThatThrownBy(() -> json.readValue(negativeId, VerifyCode.class)).hasMessageContaining("positive");
        assertThatThrownBy(() -> json.readValue(fiveDigits, VerifyCode.class)).hasMessageContaining("six digits");
    }

    @Test
    void unknownLanguagesAreRefused() {
        assertThatThrownBy(() -> new RegisterUser(ID, AT, 1L, "+998901234567", "de", RegisterUser.Source.CALLER))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCodeToDeliverThatIsNotSixAsciiDigitsCannotBeReadOffTheWire() {
        String valid = json.writeValueAsString(new DeliverCode(ID, AT, 7L, "012345", AT, "uz"));
        String link = valid.replace("012345", "<a href=\\\"https://evil.example\\\">012345</a>");
        String arabicIndic = valid.replace("012345", "\u0660\u0661\u0662\u0663\u0664\u0665");

        assertThat(json.readValue(valid, DeliverCode.class).code()).isEqualTo("012345");
        for (String forged : new String[] {
            link,
            arabicIndic,
            valid.replace("012345", "12345"),
            valid.replace("012345", "0123456"),
            valid.replace("\"012345\"", "null")
        }) {
            assertThatThrownBy(() -> json.readValue(forged, DeliverCode.class)).hasMessageContaining("six digits");
        }
    }
}
