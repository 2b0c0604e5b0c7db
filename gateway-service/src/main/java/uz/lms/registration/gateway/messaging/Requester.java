package uz.lms.registration.gateway.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import uz.lms.registration.contracts.Topics;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Sends one command to verification-service and hands back a future of its reply, so that no HTTP
 * thread waits on Kafka. The future fails when no reply comes within {@code gateway.reply-timeout},
 * including when the send itself cannot complete (an unreachable broker blocks a send on metadata).
 *
 * @param <C> the command
 * @param <R> its reply
 */
public class Requester<C, R> {

    /** Each send on a virtual thread of its own: a send blocked on broker metadata holds no HTTP thread. */
    private static final Executor SENDERS = task -> Thread.ofVirtual().name("request-sender").start(task);

    private final ReplyingKafkaTemplate<String, C, R> template;
    private final String topic;
    private final Duration timeout;

    Requester(ReplyingKafkaTemplate<String, C, R> template, String topic, Duration timeout) {
        this.template = template;
        this.topic = topic;
        this.timeout = timeout;
    }

    public CompletableFuture<R> request(long telegramId, C command) {
        ProducerRecord<String, C> record = new ProducerRecord<>(topic, Topics.key(telegramId), command);
        return CompletableFuture.supplyAsync(() -> template.sendAndReceive(record, timeout), SENDERS)
                .<ConsumerRecord<String, R>>thenCompose(reply -> reply)
                .thenApply(ConsumerRecord::value)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Duration timeout() {
        return timeout;
    }

    /** Why a request failed, for a log line: the exception's type, never its message (it may quote a record). */
    public static String reason(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}
