package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class TopicWatchTests {

    @Test
    void aRecordIsPrintedWithItsTopicAndKey() {
        String line = line(
                "user.events", "{\"type\":\"CodeIssued\",\"telegram_id\":42,\"expires_at\":\"2026-11-25T10:16:30Z\"}");

        assertThat(line)
                .contains(
                        "user.events  key=42  {\"type\":\"CodeIssued\",\"telegram_id\":42,\"expires_at\":\"2026-11-25T10:16:30Z\"}");
    }

    @Test
    void aCodeIsNeverPrinted() {
        String line = line("verification.codes", "{\"telegram_id\":42,\"code\": \"348291\",\"language\":\"uz\"}");

        assertThat(line).doesNotContain("348291").contains("\"code\":\"******\"", "\"language\":\"uz\"");
    }

    @Test
    void aTypedCodeIsNeverPrintedNeitherInACommandNorInAChatMessage() {
        String command = line("chat.verifications", "{\"telegram_id\":42,\"verification_code\":\"348291\"}");
        String message = line("telegram.updates", "{\"chat_id\":42,\"text\":\"348291\",\"private_chat\":true}");

        assertThat(command).doesNotContain("348291").contains("\"verification_code\":\"******\"", "\"telegram_id\":42");
        assertThat(message).doesNotContain("348291").contains("\"text\":\"******\"", "\"private_chat\":true");
    }

    @Test
    void phoneNumbersAreMaskedOnEveryTopicAtAnyDepth() {
        String event = line(
                "user.events", "{\"type\":\"UserVerified\",\"telegram_id\":42,\"phone_number\":\"+998901234567\"}");
        String contact = line(
                "telegram.updates", "{\"chat_id\":42,\"contact\":{\"phone_number\":\"998901234567\",\"user_id\":42}}");

        assertThat(event).doesNotContain("901234567").contains("\"phone_number\":\"******\"");
        assertThat(contact)
                .doesNotContain("901234567")
                .contains("\"contact\":{\"phone_number\":\"******\",\"user_id\":42}");
    }

    @Test
    void deadLettersAreMaskedToo() {
        String command = line(
                "registration.requests-dlt", "{\"telegram_id\":42,\"phone_number\":\"+998901234567\",\"code\":348291}");
        String message = line("telegram.updates-dlt", "{\"chat_id\":42,\"text\":\"348291\"}");

        assertThat(command)
                .doesNotContain("901234567")
                .doesNotContain("348291")
                .endsWith("registration.requests-dlt  key=42  "
                        + "{\"telegram_id\":42,\"phone_number\":\"******\",\"code\":\"******\"}");
        assertThat(message).doesNotContain("348291").contains("\"text\":\"******\"");
    }

    @Test
    void aValueThatIsNotAJsonObjectIsHiddenWhole() {
        assertThat(line("verification.requests-dlt", "348291 +998901234567"))
                .doesNotContain("348291")
                .doesNotContain("901234567")
                .endsWith("(20 characters, not a JSON object: hidden)");
        assertThat(line("verification.codes-dlt", "\"348291\"")).doesNotContain("348291");
        assertThat(line("verification.codes-dlt", "{\"code\":\"348291\"")).doesNotContain("348291");
    }

    private static String line(String topic, String value) {
        return TopicWatch.line(new ConsumerRecord<>(topic, 0, 7, "42", value));
    }
}
