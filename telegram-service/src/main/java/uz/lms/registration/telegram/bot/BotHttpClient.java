package uz.lms.registration.telegram.bot;

import okhttp3.OkHttpClient;

/**
 * The HTTP client the bot sends with. OkHttp's dispatcher threads are not daemons and linger for a
 * minute; closing releases them, so the JVM stops when the context does (TelegramBots #1513, #1553).
 */
record BotHttpClient(OkHttpClient client) implements AutoCloseable {

    @Override
    public void close() {
        client.dispatcher().cancelAll();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
