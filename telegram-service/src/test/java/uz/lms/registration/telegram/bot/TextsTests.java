package uz.lms.registration.telegram.bot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextsTests {

    @Test
    void telegramLanguageCodesMapToTheThreeBundles() {
        assertThat(Texts.language("ru")).isEqualTo("ru");
        assertThat(Texts.language("en-US")).isEqualTo("en");
        assertThat(Texts.language("uz")).isEqualTo("uz");
        assertThat(Texts.language("de")).isEqualTo("uz");
        assertThat(Texts.language(null)).isEqualTo("uz");
    }
}
