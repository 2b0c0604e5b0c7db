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
        String written = json.writeValueAsString(new RegisterUser(ID, AT, 123456789L, "+998901234567", "uz", false));

        assertThat(written)
                .isEqualTo("{\"event_id\":\"" + ID + "\",\"occurred_at\":\"2026-11-25T10:15:30Z\","
                        + "\"telegram_id\":123456789,\"phone_number\":\"+998901234567\",\"language\":\"uz\"}");
        assertThat(json.writeValueAsString(new VerifyCode(ID, AT, 7L, "348291")))
                .isEqualTo("{\"event_id\":\"" + ID + "\",\"occurred_at\":\"2026-11-25T10:15:30Z\","
                        + "\"telegram_id\":7,\"verification_code\":\"348291\"}");
    }

    @Test
    void aRegistrationTheGatewayVouchesForSaysSoAndReadsBack() {
        var vouched = new RegisterUser(ID, AT, 7L, "+998901234567", "uz", true);

        assertThat(json.writeValueAsString(vouched)).endsWith(",\"vouched\":true}");
        assertThat(json.readValue(json.writeValueAsString(vouched), RegisterUser.class))
                .isEqualTo(vouched);
    }

    @Test
    void aRegistrationThatDoesNotSayItIsVouchedForIsNot() {
        String unsaid = "{\"event_id\":\"" + ID + "\",\"telegram_id\":1,\"phone_number\":\"+998901234567\","
                + "\"language\":\"uz\"}";

        assertThat(json.readValue(unsaid, RegisterUser.class).vouched()).isFalse();
    }

    @Test
    void theFieldsThatOnceClaimedAuthorityAreReadAsNothing() {
        // Authority comes from the topic: a source or a channel in a record is ignored, as any unknown field is.
        String claimsAttestation = "{\"event_id\":\"" + ID + "\",\"occurred_at\":\"" + AT
                + "\",\"telegram_id\":1,\"phone_number\":\"+998901234567\","
                + "\"language\":\"uz\",\"source\":\"telegram_contact\"}";
        String claimsTheChat = "{\"event_id\":\"" + ID + "\",\"occurred_at\":\"" + AT
                + "\",\"telegram_id\":1,\"verification_code\":\"123456\",\"channel\":\"chat\"}";

        assertThat(json.readValue(claimsAttestation, RegisterUser.class))
                .isEqualTo(new RegisterUser(ID, AT, 1L, "+998901234567", "uz", false));
        assertThat(json.readValue(claimsTheChat, VerifyCode.class)).isEqualTo(new VerifyCode(ID, AT, 1L, "123456"));
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
        assertThat(new VerifyCode(ID, AT, 7L, "348291").toString()).doesNotContain("348291");
        assertThat(new DeliverCode(ID, AT, 7L, "348291", AT, "uz", AT).toString())
                .doesNotContain("348291");
        assertThat(new RegisterUser(ID, AT, 7L, "+998901234567", "uz", false).toString())
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
        assertThatThrownBy(() -> new RegisterUser(ID, AT, 1L, "+998901234567", "de", false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCodeToDeliverThatIsNotSixAsciiDigitsCannotBeReadOffTheWire() {
        String valid = json.writeValueAsString(new DeliverCode(ID, AT, 7L, "012345", AT, "uz", AT));
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
