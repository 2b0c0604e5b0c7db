package uz.lms.registration.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static uz.lms.registration.localstack.WholeSystem.PATIENCE;
import static uz.lms.registration.localstack.WholeSystem.codeIn;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import uz.lms.registration.testsupport.Prerequisite;

/**
 * The whole system as {@code RUN_OBSERVABILITY=true ./run.sh} starts it ({@link WholeSystem}): people share their
 * contact in the web chat, then verify in the chat or over the HTTP API; an outsider with the HTTP API can neither
 * bind a number nor keep its owner from verifying; {@code ./run.sh watch} shows the flow on the topics but masks
 * what operators must not read; one registration is one trace in Zipkin; no span, metric label or log line holds a
 * code, a phone number or the bot token; the dashboard's queries and the alert rules evaluate on a real Prometheus
 * scraping the services; and stopping run.sh leaves nothing behind. Runs with failsafe, after {@code package} has
 * built the jars.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WholeSystemEndToEndTests {

    private static final String CODE_VALIDITY = "\nIt is valid for 60 seconds: type it here.";
    private static final long CHAT_USER = 910_000_001L;
    private static final long API_CLIENT = 910_000_002L;
    private static final long OWNER = 910_000_003L;
    private static final long OUTSIDER = 910_000_004L;
    private static final long GUESSED = 910_000_005L;
    private static final long WATCHED = 910_000_006L;
    private static final long TRACED = 910_000_007L;
    private static final List<Long> USERS = List.of(CHAT_USER, API_CLIENT, OWNER, OUTSIDER, GUESSED, WATCHED, TRACED);
    private static final String BOT_TOKEN_SECRET = "local-sandbox";
    /** The services whose actuators Prometheus scrapes, by run.sh's setting of their port. */
    private static final Map<String, String> ACTUATORS = Map.of(
            "gateway-service", "RUN_GATEWAY_PORT",
            "verification-service", "RUN_VERIFICATION_PORT",
            "telegram-service", "RUN_TELEGRAM_PORT");

    private static final Path DEPLOY = Path.of("").toAbsolutePath().getParent().resolve("deploy");
    /** A code as a JSON value, issued or typed: what run.sh watch must never print. */
    private static final Pattern CODE_IN_JSON = Pattern.compile("\"\\d{6}\"");
    /** The test's phone numbers, as given or normalized: "+998 90 111 22 88", "998901112288", ... */
    private static final Pattern PHONE_NUMBER = Pattern.compile("998[\\d -]{9,}");
    /** The same, as a word of their own: not inside a trace id or a timestamp. */
    private static final Pattern PHONE_NUMBER_WORD =
            Pattern.compile("(?<![\\w.])\\+?998[ -]?\\d{2}[ -]?\\d{3}[ -]?\\d{2}[ -]?\\d{2}(?![\\w.])");
    /** A run of six digits alone: what a code would be in a log line, a tag or a label. */
    private static final Pattern SIX_DIGITS = Pattern.compile("(?<![\\w.])\\d{6}(?![\\w.])");

    @TempDir
    static Path data;

    private WholeSystem system;
    /** Scraping the services from the start, where the binary is installed. */
    private @Nullable RealPrometheus prometheus;

    @BeforeAll
    void startTheSystemWithRunSh() throws Exception {
        system = WholeSystem.start(data);
        Optional<Path> binary = RealPrometheus.binary();
        if (binary.isPresent()) {
            Path folder = Files.createDirectories(data.resolve("prometheus"));
            Map<String, Integer> actuators = new TreeMap<>();
            ACTUATORS.forEach((job, port) -> actuators.put(job, system.port(port)));
            prometheus = RealPrometheus.start(
                    binary.get(), folder, actuators, List.of(DEPLOY.resolve("prometheus/alerts.yml")));
        }
    }

    @AfterAll
    void stopIt() throws InterruptedException {
        if (prometheus != null) {
            prometheus.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void aPersonRegistersInTheWebChatAndTheChatReadsInOrder() throws Exception {
        system.type(CHAT_USER, "/start");
        JsonNode greeting = system.awaitBotMessage(
                CHAT_USER, 0, message -> message.path("reply_markup").has("keyboard"));
        assertThat(greeting.at("/reply_markup/keyboard/0/0/request_contact").asBoolean())
                .isTrue();

        system.shareContact(CHAT_USER, "+998 90 111 22 33");
        JsonNode code = system.awaitCode(CHAT_USER, greeting);
        assertThat(code.get("text").asString()).endsWith(CODE_VALIDITY);
        // Once the bot has handled verification-service's answer to the contact, all it said is in the chat.
        await().atMost(PATIENCE)
                .until(() -> system.log("telegram-service")
                        .contains("registration telegram_id=" + CHAT_USER + " outcome=code_sent"));
        assertThat(system.botMessages(CHAT_USER, greeting.get("message_id").asInt()))
                .singleElement()
                .satisfies(only -> assertThat(only.get("message_id")).isEqualTo(code.get("message_id")));

        system.type(CHAT_USER, codeIn(code));
        JsonNode verified = system.awaitUserEvent("UserVerified", CHAT_USER);
        assertThat(verified.get("phone_number").asString()).isEqualTo("+998901112233");
        system.awaitBotMessage(
                CHAT_USER,
                code.get("message_id").asInt(),
                message -> message.get("text").asString().equals("Congratulations! You are verified."));
    }

    @Test
    @Order(2)
    void onceTheNumberIsSharedAClientAsksForANewCodeAndVerifiesItThroughTheHttpApi() throws Exception {
        String phoneNumber = "{\"telegram_id\":" + API_CLIENT + ",\"phone_number\":\"+998 90 111 22 44\"}";
        HttpResponse<String> beforeSharing = system.gateway("/register", phoneNumber);
        assertThat(beforeSharing.statusCode()).isEqualTo(409);
        assertThat(beforeSharing.body()).isEqualTo("{\"detail\":\"Share this phone number with the bot first\"}");

        system.shareContact(API_CLIENT, "+998901112244");
        JsonNode first = system.awaitCode(API_CLIENT, null);
        HttpResponse<String> registered = system.gateway("/register", phoneNumber);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        assertThat(system.readTree(registered.body()).get("expires_in").asInt()).isEqualTo(60);

        // The new code replaces the first one and reaches the user only through the chat.
        JsonNode code = system.awaitCode(API_CLIENT, first);
        HttpResponse<String> verified = system.verify(API_CLIENT, codeIn(code));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        assertThat(system.readTree(verified.body()).get("message").asString()).isEqualTo("User successfully verified");
        assertThat(system.awaitUserEvent("UserVerified", API_CLIENT)
                        .get("phone_number")
                        .asString())
                .isEqualTo("+998901112244");

        HttpResponse<String> again = system.gateway("/register", phoneNumber);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).isEqualTo("{\"detail\":\"User is already verified\"}");
        assertThat(system.gatewayGet("/docs").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aNumberSomeoneElseGivesOverHttpIsRefusedAndItsOwnerStillRegisters() throws Exception {
        String ownersNumber = "+998 90 111 22 55";
        system.shareContact(OUTSIDER, "+998 90 111 22 66");
        system.awaitCode(OUTSIDER, null);

        // Neither the outsider's account with the owner's number, nor the owner's account with the outsider's.
        for (String attempt : List.of(
                "{\"telegram_id\":" + OUTSIDER + ",\"phone_number\":\"" + ownersNumber + "\"}",
                "{\"telegram_id\":" + OWNER + ",\"phone_number\":\"" + ownersNumber + "\"}",
                "{\"telegram_id\":" + OWNER + ",\"phone_number\":\"+998 90 111 22 66\"}")) {
            HttpResponse<String> refused = system.gateway("/register", attempt);
            assertThat(refused.statusCode()).as(attempt).isEqualTo(409);
            assertThat(refused.body()).isEqualTo("{\"detail\":\"Share this phone number with the bot first\"}");
        }

        system.shareContact(OWNER, ownersNumber);
        JsonNode code = system.awaitCode(OWNER, null);
        system.type(OWNER, codeIn(code));
        assertThat(system.awaitUserEvent("UserVerified", OWNER)
                        .get("phone_number")
                        .asString())
                .isEqualTo("+998901112255");
    }

    @Test
    @Order(4)
    void aHundredWrongChecksOverHttpLeaveTheChatAbleToVerify() throws Exception {
        system.shareContact(GUESSED, "+998 90 111 22 77");
        JsonNode codeMessage = system.awaitCode(GUESSED, null);
        String code = codeIn(codeMessage);

        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int guess = 0, made = 0; made < 100; guess++) {
            String candidate = "%06d".formatted(guess);
            if (!candidate.equals(code)) {
                statuses.merge(system.verify(GUESSED, candidate).statusCode(), 1, Integer::sum);
                made++;
            }
        }
        // At most verification.max-attempts wrong checks of a code over HTTP; the rest are refused unchecked
        // (the gateway's rate limit may refuse some first, with 429 too).
        assertThat(statuses).as("status: count").containsOnlyKeys(400, 429);
        assertThat(statuses.getOrDefault(400, 0)).isLessThanOrEqualTo(5);
        // The rate limit's 429 comes with Retry-After and says nothing of the code: ask until it lets the check by.
        HttpResponse<String> rightCode = await().atMost(PATIENCE)
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> system.verify(GUESSED, code),
                        response -> response.headers().firstValue("Retry-After").isEmpty());
        assertThat(rightCode.statusCode()).as("the right code, burned for HTTP").isEqualTo(429);
        assertThat(rightCode.body()).isEqualTo("{\"detail\":\"Too many failed attempts, request a new code\"}");

        system.type(GUESSED, code);
        system.awaitBotMessage(
                GUESSED,
                codeMessage.get("message_id").asInt(),
                message -> message.get("text").asString().equals("Congratulations! You are verified."));
        assertThat(system.awaitUserEvent("UserVerified", GUESSED)
                        .get("phone_number")
                        .asString())
                .isEqualTo("+998901112277");
    }

    @Test
    @Order(5)
    void runShWatchShowsTheFlowOnTheTopicsButNoCodeNorPhoneNumber() throws Exception {
        system.shareContact(WATCHED, "+998 90 111 22 88");
        system.type(WATCHED, codeIn(system.awaitCode(WATCHED, null)));
        system.awaitUserEvent("UserVerified", WATCHED);

        Process watch = system.runSh("watch.out", "watch");
        try {
            // It reads the topics' partitions in no set order: wait until it has printed all of them.
            await().atMost(PATIENCE)
                    .until(() -> Files.readString(data.resolve("watch.out"))
                            .lines()
                            .anyMatch(line -> line.contains("user.events")
                                    && line.contains("\"UserVerified\"")
                                    && line.contains(String.valueOf(WATCHED))));
            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(Files.readString(data.resolve("watch.out")))
                            .contains(
                                    "registration.requests",
                                    "verification.requests",
                                    "chat.registrations",
                                    "chat.verifications",
                                    "code.deliveries",
                                    "verification.codes",
                                    "telegram.updates",
                                    "\"code\":\"******\"",
                                    "\"verification_code\":\"******\"",
                                    "\"phone_number\":\"******\"",
                                    "\"text\":\"******\""));
            String watched = Files.readString(data.resolve("watch.out"));
            assertThat(CODE_IN_JSON.matcher(watched).find())
                    .as("a code in run.sh watch's output")
                    .isFalse();
            assertThat(PHONE_NUMBER.matcher(watched).find())
                    .as("a phone number in run.sh watch's output")
                    .isFalse();
        } finally {
            watch.destroy();
            watch.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(6)
    void oneRegistrationIsOneTraceInZipkinFromTheBotThroughVerificationServiceToSendMessage() throws Exception {
        system.shareContact(TRACED, "+998 90 111 22 99");
        system.awaitCode(TRACED, null);

        // Found as an operator finds it: by the telegram_id tag, never the number or the code.
        String byTelegramId = "/api/v2/traces?annotationQuery=telegram_id%3D" + TRACED + "&limit=100";
        JsonNode traces = await().atMost(PATIENCE)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> system.zipkin(byTelegramId), found -> found.size() > 0 && hasTheWholeRegistration(found));
        assertThat(traces).as("traces tagged telegram_id=%d", TRACED).hasSize(1);
        JsonNode trace = traces.get(0);
        assertThat(services(trace)).contains("telegram-service", "verification-service");
        assertThat(trace)
                .as("the bot's sendMessage in the same trace")
                .anySatisfy(span -> assertThat(isSendMessage(span)).isTrue());
    }

    @Test
    @Order(7)
    void zipkinHoldsNoTraceOfAnActuatorRequestNorOfAScheduledTask() throws Exception {
        // run.sh polled every service's readiness while the system started, and the outbox's sweep runs every 5 s.
        JsonNode traces = system.zipkin("/api/v2/traces?limit=10000");
        List<String> noise = new ArrayList<>();
        for (JsonNode trace : traces) {
            for (JsonNode span : trace) {
                span.path("tags").properties().forEach(tag -> {
                    if (tag.getValue().asString().startsWith("/actuator")
                            || tag.getKey().startsWith("code.function")) {
                        noise.add(span.path("name").asString() + " " + tag.getKey() + "="
                                + tag.getValue().asString());
                    }
                });
            }
        }
        assertThat(traces).as("Zipkin holds the tests' traces").isNotEmpty();
        assertThat(noise).as("spans of actuator requests or scheduled tasks").isEmpty();
    }

    @Test
    @Order(7)
    void noSpanMetricLabelNorLogLineHoldsACodeAPhoneNumberOrTheBotToken() throws Exception {
        Set<String> codes = new TreeSet<>();
        for (long user : USERS) {
            system.botMessages(user, 0).forEach(message -> {
                Matcher code = Pattern.compile("<code>(\\d{6})</code>")
                        .matcher(message.get("text").asString());
                while (code.find()) {
                    codes.add(code.group(1));
                }
            });
        }
        assertThat(codes).as("the codes the bot sent in these tests").hasSizeGreaterThanOrEqualTo(USERS.size());

        JsonNode traces = system.zipkin("/api/v2/traces?limit=10000");
        assertThat(traces).as("Zipkin holds the tests' traces").isNotEmpty();
        for (JsonNode trace : traces) {
            for (JsonNode span : trace) {
                List<String> texts = new ArrayList<>();
                texts.add(span.path("name").asString());
                span.path("tags").properties().forEach(tag -> {
                    texts.add(tag.getKey());
                    texts.add(tag.getValue().asString());
                });
                span.path("annotations")
                        .forEach(
                                annotation -> texts.add(annotation.path("value").asString()));
                for (String text : texts) {
                    assertHoldsNoSecret(
                            text, codes, "span %s of %s".formatted(span.path("name"), span.path("localEndpoint")));
                }
            }
        }

        for (Map.Entry<String, String> actuator : ACTUATORS.entrySet()) {
            String metrics = system.get(system.port(actuator.getValue()), "/actuator/prometheus");
            metrics.lines()
                    .filter(line -> !line.startsWith("#") && line.contains("{"))
                    .forEach(line -> {
                        String labels = line.substring(line.indexOf('{'), line.lastIndexOf('}') + 1);
                        assertThat(labels).as("%s: %s", actuator.getKey(), line).doesNotContain("telegram_id");
                        USERS.forEach(user -> assertThat(labels)
                                .as("%s: %s", actuator.getKey(), line)
                                .doesNotContain(String.valueOf(user)));
                        assertHoldsNoSecret(labels, codes, actuator.getKey() + " metric " + line);
                    });
        }

        for (String name : List.of("gateway-service", "verification-service", "telegram-service", "zipkin")) {
            system.log(name).lines().forEach(line -> assertHoldsNoSecret(line, codes, name + ".log: " + line));
        }
    }

    @Test
    @Order(8)
    void everyDashboardQueryAndAlertRuleEvaluatesOnAPrometheusScrapingTheSystemAndTheFunnelHasData() throws Exception {
        Prerequisite.require(prometheus != null, "no prometheus on the PATH (apt-get install prometheus)");
        RealPrometheus server = Objects.requireNonNull(prometheus);
        await().atMost(PATIENCE)
                .until(
                        () -> server.query("sum(up)")
                                .at("/data/result/0/value/1")
                                .asString(),
                        "3"::equals);

        JsonNode dashboard =
                system.readTree(Files.readString(DEPLOY.resolve("grafana/dashboards/lms-registration.json")));
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                JsonNode answer = server.query(target.get("expr").asString());
                assertThat(answer.get("status").asString())
                        .as("panel \"%s\": %s", panel.get("title").asString(), answer)
                        .isEqualTo("success");
            }
        }

        // Every rule evaluated, more than once (1 s), without an error.
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonNode groups = server.rules().at("/data/groups");
            assertThat(groups).isNotEmpty();
            for (JsonNode group : groups) {
                assertThat(group.get("rules")).isNotEmpty().allSatisfy(rule -> {
                    assertThat(rule.get("health").asString())
                            .as(
                                    "%s: %s",
                                    rule.get("name").asString(),
                                    rule.path("lastError").asString())
                            .isEqualTo("ok");
                    assertThat(rule.get("lastEvaluation").asString()).doesNotStartWith("0001-");
                });
            }
        });

        // The registrations these tests made, scraped since the start.
        for (String funnel : List.of(
                "verification_codes_issued_total",
                "telegram_codes_delivered_total",
                "verification_codes_verified_total",
                "telegram_code_delivery_seconds_count",
                "telegram_code_delivery_seconds_bucket")) {
            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(server.query("sum(" + funnel + ")")
                                    .at("/data/result/0/value/1")
                                    .asString("0"))
                            .as(funnel)
                            .isNotEqualTo("0"));
        }
    }

    @Test
    @Order(9)
    void stoppingRunShLeavesNoProcessBehind() throws Exception {
        Process runSh = system.runSh();
        List<ProcessHandle> started = runSh.toHandle().descendants().toList();
        assertThat(started).hasSizeGreaterThanOrEqualTo(4);

        runSh.destroy();

        assertThat(runSh.waitFor(90, TimeUnit.SECONDS)).as(system.output()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).doesNotExist();
        for (int port : system.ports()) {
            assertThatCode(() -> new Socket("127.0.0.1", port).close())
                    .as("port %d", port)
                    .isInstanceOf(IOException.class);
        }
        assertThat(system.output()).contains("Stopped.");
    }

    /** Spans of the bot (or the gateway), of verification-service and the bot's sendMessage, in one of them. */
    private static boolean hasTheWholeRegistration(JsonNode traces) {
        for (JsonNode trace : traces) {
            Set<String> services = services(trace);
            boolean sent = false;
            for (JsonNode span : trace) {
                sent |= isSendMessage(span);
            }
            if (sent && services.contains("verification-service")) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> services(JsonNode trace) {
        Set<String> services = new TreeSet<>();
        trace.forEach(span -> services.add(span.at("/localEndpoint/serviceName").asString("")));
        return services;
    }

    /** The bot's Bot API call that delivers a code: named so, or tagged so (Zipkin lower-cases span names). */
    private static boolean isSendMessage(JsonNode span) {
        if (!span.at("/localEndpoint/serviceName").asString("").equals("telegram-service")) {
            return false;
        }
        if (span.path("name").asString().toLowerCase(Locale.ROOT).contains("sendmessage")) {
            return true;
        }
        for (JsonNode value : span.path("tags")) {
            if (value.asString().contains("sendMessage")) {
                return true;
            }
        }
        return false;
    }

    private static void assertHoldsNoSecret(String text, Set<String> codes, String where) {
        assertThat(text).as(where).doesNotContain(BOT_TOKEN_SECRET).doesNotContainPattern(PHONE_NUMBER_WORD);
        Matcher digits = SIX_DIGITS.matcher(text);
        while (digits.find()) {
            assertThat(codes).as("a code in %s", where).doesNotContain(digits.group());
        }
    }
}
