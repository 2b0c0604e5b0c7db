package uz.lms.registration.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Request bodies a careless or hostile client might send: broken, oversized, deeply nested, mistyped. */
final class HostileBodies {

    private static final List<String> VALID = List.of(
            "{\"telegram_id\": 123456789, \"phone_number\": \"+998901234567\"}",
            "{\"telegram_id\": 123456789, \"verification_code\": \"348291\"}");

    private static final List<String> KNOWN = List.of(
            "",
            " ",
            "{",
            "}",
            "[]",
            "[",
            "null",
            "true",
            "0",
            "\"\"",
            "\"348291\"",
            "{}",
            "{\"telegram_id\":}",
            "{\"telegram_id\": 1e309}",
            "{\"telegram_id\": -0}",
            "{\"telegram_id\": 0x10}",
            "{\"telegram_id\": 01}",
            "{\"telegram_id\": +1}",
            "{\"telegram_id\": 1, \"telegram_id\": 2}",
            "{\"telegram_id\": NaN}",
            "{\"telegram_id\": Infinity}",
            "{\"telegram_id\": 1.0e0}",
            "{\"telegram_id\": \"\\u0000\"}",
            "{\"phone_number\": \"\\ud800\"}",
            "{\"telegram_id\": {\"$gt\": 0}}",
            "{\"__proto__\": {\"admin\": true}}",
            "{\"telegram_id\": [1, 2, 3]}",
            "{\"telegram_id\": 1, \"phone_number\": \"' OR 1=1 --\"}",
            "{\"telegram_id\": 1, \"phone_number\": \"<script>alert(1)</script>\"}",
            "{\"telegram_id\": 1, \"phone_number\": \"+998901234567\"}garbage",
            "{\"telegram_id\": 1, \"verification_code\": \"\u0661\u0662\u0663\u0664\u0665\u0666\"}",
            "{\"telegram_id\": 1, \"verification_code\": \"%s\"}".formatted("9".repeat(100_000)),
            "{\"telegram_id\": %s}".formatted("9".repeat(5_000)),
            "{\"telegram_id\": 1, \"phone_number\": \"%s\"}".formatted("1".repeat(1_000_000)),
            "[".repeat(100_000),
            "{\"a\":".repeat(5_000),
            "\u0000\u0001\u0002\u0003",
            "\uFEFF{\"telegram_id\": 1}");

    private HostileBodies() {}

    static List<String> generate(Random random) {
        List<String> bodies = new ArrayList<>(KNOWN);
        for (int i = 0; i < 120; i++) {
            String valid = VALID.get(random.nextInt(VALID.size()));
            bodies.add(
                    switch (i % 4) {
                        case 0 -> valid.substring(0, random.nextInt(valid.length()));
                        case 1 -> mutate(valid, random);
                        case 2 -> randomText(random, 1 + random.nextInt(64));
                        default -> valid.replace("123456789", Long.toString(random.nextLong()));
                    });
        }
        return bodies;
    }

    private static String mutate(String valid, Random random) {
        char[] chars = valid.toCharArray();
        for (int n = 0; n < 1 + random.nextInt(3); n++) {
            chars[random.nextInt(chars.length)] = (char) random.nextInt(0x80);
        }
        return new String(chars);
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) random.nextInt(0x3000));
        }
        return text.toString();
    }
}
