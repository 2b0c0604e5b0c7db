package uz.lms.registration.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ProductionCheckTests {

    private final ApplicationContextRunner service = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ProductionCheckAutoConfiguration.class))
            .withBean(
                    "secretRule",
                    ProductionRule.class,
                    () -> settings ->
                            settings.getProperty("secret", "").isBlank() ? List.of("secret must be set") : List.of())
            .withBean(
                    "portRule",
                    ProductionRule.class,
                    () -> settings ->
                            "80".equals(settings.getProperty("port")) ? List.of("port must not be 80") : List.of());

    @Test
    void productionRefusesToStartNamingEveryRuleThatFoundAProblem() {
        service.withPropertyValues("spring.profiles.active=prod", "port=80")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasMessage(
                                "Refusing to start with the 'prod' profile: secret must be set; port must not be 80"));
    }

    @Test
    void productionStartsWhenNoRuleFindsAProblem() {
        service.withPropertyValues("spring.profiles.active=prod", "secret=s3cret", "port=8080")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aRuleThatCannotBeEvaluatedRefusesTheStartWithoutQuotingTheSetting() {
        service.withBean("brokenRule", ProductionRule.class, () -> settings -> {
                    throw new IllegalArgumentException("unparsable: s3cret");
                })
                .withPropertyValues("spring.profiles.active=prod", "secret=s3cret")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasMessage("Refusing to start with the 'prod' profile: "
                                + "brokenRule could not be checked (IllegalArgumentException)"));
    }

    @Test
    void onlyTheProductionProfileIsChecked() {
        service.withPropertyValues("spring.profiles.active=dev", "port=80")
                .run(context -> assertThat(context).hasNotFailed());
    }
}
