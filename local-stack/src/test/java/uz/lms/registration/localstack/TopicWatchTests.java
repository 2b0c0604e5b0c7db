package uz.lms.registration.localstack;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicWatchTests {

    @Test
    void aRecordIsPrintedWithItsTopicAndKey() {
        String line = TopicWatch.line(new ConsumerRecord<>("user.events", 0, 7, "42",
                "{\"type\":\"UserVerified\",\"telegram_id\":42}"));

        assertThat(line).contains("user.events  key=42  {\"type\":\"UserVerified\",\"telegram_id\":42}");
    }

    @Test
    void aCodeIsNeverPrinted() {
        String line = TopicWatch.line(new ConsumerRecord<>("verification.codes", 1, 3, "42",
                "{\"telegram_id\":42,\"code\": \"348291\",\"language\":\"uz\"}"));

        assertThat(line).doesNotContain("348291").contains("\"code\":\"******\"", "\"language\":\"uz\"");
    }
}
