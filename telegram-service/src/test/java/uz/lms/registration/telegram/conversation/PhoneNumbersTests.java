package uz.lms.registration.telegram.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhoneNumbersTests {

    @Test
    void telegramNumbersWithoutPlusAreReadAsInternational() {
        assertThat(PhoneNumbers.toE164("998901234567")).contains("+998901234567");
        assertThat(PhoneNumbers.toE164("79161234567")).contains("+79161234567");
    }

    @Test
    void numbersWithPlusStayAsTheyAre() {
        assertThat(PhoneNumbers.toE164("+998901234567")).contains("+998901234567");
    }

    @Test
    void aNationalNumberIsReadAsUzbek() {
        assertThat(PhoneNumbers.toE164("901234567")).contains("+998901234567");
    }

    @Test
    void somethingThatIsNoPhoneNumberIsRefused() {
        assertThat(PhoneNumbers.toE164("12")).isEmpty();
        assertThat(PhoneNumbers.toE164("")).isEmpty();
        assertThat(PhoneNumbers.toE164(null)).isEmpty();
    }
}
