package uz.lms.registration.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.system.CapturedOutput;
import uz.lms.registration.contracts.AlreadyVerified;
import uz.lms.registration.contracts.DeliverCode;
import uz.lms.registration.contracts.DeliveryEvent;
import uz.lms.registration.contracts.PhoneNumberTaken;
import uz.lms.registration.contracts.RegistrationOutcome;
import uz.lms.registration.contracts.Topics;
import uz.lms.registration.contracts.VerificationOutcome;
import uz.lms.registration.contracts.VerifyCode;
import uz.lms.registration.sandbox.GroupChat;
import uz.lms.registration.sandbox.PrivateChat;
import uz.lms.registration.sandbox.SentMessage;
import uz.lms.registration.sandbox.TelegramUser;
import uz.lms.registration.testsupport.TopicRecorder;

/**
 * The conversation: what the bot asks, sends verification-service and tells the user of each answer, in the
 * user's language, in private chats and groups.
 */
class TelegramBotTests extends SandboxBotTest {

    @Test
    void aUserRegistersAndVerifiesInTheChatWithoutTheCodeOrTokenInAnyLogOrSpan(CapturedOutput output) {
        PrivateChat chat = newUser("uz");
        verifier.answerVerifications(chat.id(), new VerificationOutcome.Verified());

        chat.start();
        SentMessage greeting = awaitMessage(chat, text -> text.startsWith("Assalomu alaykum"));
        assertThat(greeting.requestsContact()).isTrue();
        assertThat(greeting.replyMarkup().get("one_time_keyboard").asBoolean()).isTrue();

        // Telegram often sends the number without '+'
        chat.shareOwnContact(phoneOf(chat).substring(1));
        SentMessage codeMessage = awaitMessage(chat, text -> text.startsWith("Tasdiqlash kodingiz: <code>"));
        assertThat(codeMessage.text()).endsWith("\nU 60 soniya amal qiladi: kodni shu yerga yozing.");
        assertThat(codeMessage.parseMode()).isEqualToIgnoringCase("HTML");
        assertThat(codeMessage.removesKeyboard()).isTrue();
        String code = codeIn(codeMessage);
        assertThat(verifier.registrations(chat.id())).singleElement().satisfies(command -> {
            assertThat(command.phoneNumber()).isEqualTo(phoneOf(chat));
            assertThat(command.language()).isEqualTo("uz");
        });
        assertThat(verifier.codesIssued(chat.id()))
                .singleElement()
                .extracting(DeliverCode::code)
                .isEqualTo(code);
        await().until(
                        () -> deliveriesTo(chat.id()),
                        events -> events.stream().anyMatch(event -> event instanceof DeliveryEvent.CodeDelivered));

        chat.sendText(code);
        awaitMessage(chat, text -> text.equals("Tabriklaymiz! Siz muvaffaqiyatli tasdiqlandingiz."));
        assertThat(verifier.verifications(chat.id()))
                .singleElement()
                .extracting(VerifyCode::verificationCode)
                .isEqualTo(code);
        // The bot's own topics: the contact attests the number, the typed code spends the chat's budget.
        assertThat(verifier.topicsOf(chat.id())).containsExactly(Topics.CHAT_REGISTRATIONS, Topics.CHAT_VERIFICATIONS);

        verifier.answerRegistrations(chat.id(), new AlreadyVerified())
                .answerVerifications(chat.id(), new AlreadyVerified());
        chat.shareOwnContact(phoneOf(chat));
        awaitMessage(chat, text -> text.equals("Siz allaqachon tasdiqlangansiz."));
        chat.sendText(code);
        await().until(() -> chat.messages().stream()
                        .filter(m -> m.text().equals("Siz allaqachon tasdiqlangansiz."))
                        .count()
                == 2);

        assertThat(output.getAll()).doesNotContain(code).doesNotContain(TOKEN).doesNotContain("TEST-token");
        // The greeting's request continues the trace that the /start update started, through telegram.updates.
        assertThat(greeting.traceparent()).as("the greeting's traceparent").isNotNull();
        assertThatItIsTheUpdateOf(chat, awaitRootOf(traceIdOf(greeting.traceparent())));
        // The spans know the user by telegram_id alone: never the number from the contact, the code or the token.
        await().untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
                .extracting(SpanData::getName)
                .contains("telegram update", "sendMessage", Topics.VERIFICATION_CODES + " process"));
        assertThat(spans.getFinishedSpanItems())
                .allSatisfy(span -> assertThat(everythingSaidIn(span))
                        .doesNotContain(phoneOf(chat).substring(1))
                        .doesNotContain(code)
                        .doesNotContain("TEST-token"));
    }

    @Test
    void aContactsRegisterCommandContinuesTheTraceItsUpdateStarted() {
        PrivateChat chat = newUser("uz");
        try (TopicRecorder commands = TopicRecorder.start(Topics.CHAT_REGISTRATIONS)) {
            chat.shareOwnContact(phoneOf(chat));

            ConsumerRecord<String, byte[]> command = await().until(
                            () -> commands.records().stream()
                                    .filter(record -> Topics.key(chat.id()).equals(record.key()))
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
            Header traceparent = command.headers().lastHeader("traceparent");
            assertThat(traceparent).as("the RegisterUser command's traceparent").isNotNull();
            String traceId = traceIdOf(new String(traceparent.value(), StandardCharsets.UTF_8));
            assertThatItIsTheUpdateOf(chat, awaitRootOf(traceId));
        }
    }

    /** The span that started this trace, once it has ended: nothing came before it. */
    private SpanData awaitRootOf(String traceId) {
        return await().until(
                        () -> spans.getFinishedSpanItems().stream()
                                .filter(span -> span.getTraceId().equals(traceId)
                                        && !span.getParentSpanContext().isValid())
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    private static void assertThatItIsTheUpdateOf(PrivateChat chat, SpanData root) {
        assertThat(root.getName()).isEqualTo("telegram update");
        assertThat(attribute(root, "telegram_id")).isEqualTo(Long.toString(chat.id()));
    }

    /** A span's name, status, and its attributes and events: what an operator's collector stores of it. */
    private static String everythingSaidIn(SpanData span) {
        StringBuilder said = new StringBuilder(span.getName())
                .append(' ')
                .append(span.getStatus().getDescription());
        span.getAttributes()
                .forEach(
                        (key, value) -> said.append(' ').append(key).append('=').append(value));
        span.getEvents().forEach(event -> {
            said.append(' ').append(event.getName());
            event.getAttributes()
                    .forEach((key, value) ->
                            said.append(' ').append(key).append('=').append(value));
        });
        return said.toString();
    }

    @Test
    void someoneElsesContactOrOneWithoutUserIdRegistersNothing() {
        PrivateChat chat = newUser("uz");

        chat.shareContact("+998907654321", "Friend", chat.id() + 1);
        awaitMessage(chat, text -> text.startsWith("Faqat oʻzingizning telefon raqamingizni"));
        chat.shareContact("+998907654322", "Stranger", null);

        await().until(() -> chat.messages().size() == 2);
        assertThat(chat.messages()).allSatisfy(message -> {
            assertThat(message.text()).startsWith("Faqat oʻzingizning telefon raqamingizni");
            assertThat(message.requestsContact()).isTrue();
        });
        await().during(Duration.ofSeconds(2))
                .until(() -> chat.messages().size() == 2
                        && verifier.registrations(chat.id()).isEmpty());
    }

    @Test
    void inAGroupTheBotAsksToBeWrittenToPrivatelyAndRegistersNobody() {
        TelegramUser user = new TelegramUser(USER_IDS.incrementAndGet(), "Grouped", "en");
        GroupChat group = telegram.groupChat(-1_000_000_000L - user.id(), "LMS students");

        group.shareContact(user, "+998901112233", user.id());
        await().until(() -> group.messages().size() == 1);
        assertThat(group.messages().getFirst().text()).isEqualTo("Please write to me in a private chat.");

        group.sendText(user, "hello everyone");
        group.sendText(user, "123456");
        await().until(() -> group.messages().size() == 2);
        await().during(Duration.ofSeconds(2))
                .until(() -> group.messages().size() == 2
                        && verifier.registrations(user.id()).isEmpty()
                        && verifier.verifications(user.id()).isEmpty());
    }

    @Test
    void everyRegistrationOutcomeIsToldInTheChat() {
        PrivateChat chat = newUser("uz");
        Map<RegistrationOutcome, String> answers = new LinkedHashMap<>();
        answers.put(
                new RegistrationOutcome.TooManyRequests(25),
                "Juda koʻp soʻrov. 25 soniyadan keyin qayta urinib koʻring.");
        answers.put(new PhoneNumberTaken(), "Bu telefon raqam boshqa foydalanuvchi tomonidan roʻyxatdan oʻtkazilgan.");
        answers.put(new AlreadyVerified(), "Siz allaqachon tasdiqlangansiz.");

        answers.forEach((outcome, answer) -> {
            verifier.answerRegistrations(chat.id(), outcome);
            int before = chat.messages().size();
            chat.shareOwnContact(phoneOf(chat));
            await().until(() -> chat.messages().size() == before + 1);
            assertThat(chat.lastMessage().text()).isEqualTo(answer);
            assertThat(chat.lastMessage().removesKeyboard()).isTrue();
        });
    }

    @Test
    void everyVerificationOutcomeIsToldInTheChat() {
        PrivateChat chat = newUser("uz");
        Map<VerificationOutcome, String> answers = new LinkedHashMap<>();
        answers.put(new VerificationOutcome.InvalidOrExpiredCode(), "Kod notoʻgʻri yoki muddati tugagan.");
        answers.put(
                new VerificationOutcome.AttemptsExhausted(),
                "Notoʻgʻri urinishlar juda koʻp. Yangi kod olish uchun /start bosing.");
        answers.put(new PhoneNumberTaken(), "Bu telefon raqam boshqa foydalanuvchi tomonidan roʻyxatdan oʻtkazilgan.");
        answers.put(new AlreadyVerified(), "Siz allaqachon tasdiqlangansiz.");
        answers.put(new VerificationOutcome.Verified(), "Tabriklaymiz! Siz muvaffaqiyatli tasdiqlandingiz.");

        answers.forEach((outcome, answer) -> {
            verifier.answerVerifications(chat.id(), outcome);
            int before = chat.messages().size();
            chat.sendText("123456");
            await().until(() -> chat.messages().size() == before + 1);
            assertThat(chat.lastMessage().text()).isEqualTo(answer);
        });
        assertThat(verifier.verifications(chat.id()))
                .hasSize(answers.size())
                .allSatisfy(command -> assertThat(command.verificationCode()).isEqualTo("123456"));
    }

    @Test
    void withoutAnAnswerInTimeTheUserIsToldToTryAgainLater() {
        PrivateChat chat = newUser("uz");
        verifier.staySilent();
        try {
            chat.shareOwnContact(phoneOf(chat));
            chat.sendText("123456");

            await().until(() ->
                    count(chat, "Xizmat vaqtincha ishlamayapti. Birozdan keyin qayta urinib koʻring.") == 2);
            assertThat(verifier.registrations(chat.id())).hasSize(1);
            assertThat(verifier.verifications(chat.id())).hasSize(1);
        } finally {
            verifier.answerAgain();
        }
    }

    @Test
    void russianAndEnglishUsersAreAnsweredInTheirLanguage() {
        PrivateChat russian = newUser("ru");
        PrivateChat english = newUser("en-US");

        russian.start();
        english.start();
        awaitMessage(russian, text -> text.startsWith("Здравствуйте!"));
        awaitMessage(english, text -> text.startsWith("Hello!"));
        assertThat(russian.lastMessage().replyMarkup().at("/keyboard/0/0/text").asString())
                .isEqualTo("📱 Отправить номер телефона");

        russian.shareOwnContact(phoneOf(russian));
        english.shareOwnContact(phoneOf(english));
        awaitMessage(
                russian,
                text -> text.startsWith("Ваш код подтверждения: <code>")
                        && text.endsWith("\nОн действует 60 секунд: напишите его сюда."));
        awaitMessage(
                english,
                text -> text.startsWith("Your verification code: <code>")
                        && text.endsWith("\nIt is valid for 60 seconds: type it here."));

        english.sendText("what is this?");
        russian.sendText("123");
        awaitMessage(english, text -> text.startsWith("Press /start and share your phone number"));
        awaitMessage(russian, text -> text.startsWith("Нажмите /start"));
    }

    @Test
    void aMessageHandedOverTwiceIsAnsweredTwiceUnderOneCommandId() throws Exception {
        PrivateChat chat = newUser("uz");
        verifier.answerVerifications(chat.id(), new VerificationOutcome.InvalidOrExpiredCode());
        // What the poller puts on telegram.updates; a restart before Telegram confirmed it hands it over again.
        Map<String, Object> message = Map.of(
                "update_id",
                900_000_001,
                "chat_id",
                chat.id(),
                "message_id",
                9001,
                "date",
                Instant.now().getEpochSecond(),
                "private_chat",
                true,
                "user_id",
                chat.id(),
                "language",
                "uz",
                "text",
                "123456");

        kafka.send(TelegramTopics.UPDATES, Topics.key(chat.id()), message).get();
        kafka.send(TelegramTopics.UPDATES, Topics.key(chat.id()), message).get();

        await().until(() -> count(chat, "Kod notoʻgʻri yoki muddati tugagan.") == 2);
        // verification-service applies a command once per event_id, so the second one changes nothing.
        List<UUID> commandIds = verifier.verifications(chat.id()).stream()
                .map(VerifyCode::eventId)
                .toList();
        assertThat(commandIds).hasSize(2);
        assertThat(commandIds.get(1)).isEqualTo(commandIds.get(0));
    }
}
