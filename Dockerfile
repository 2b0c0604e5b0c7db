# One recipe for the image of every service, built with the repository root as context (the parent
# pom and contracts live there); compose.yaml names the service:
#   docker build --build-arg SERVICE=gateway-service -t lms-registration/gateway-service .
# SERVICE is read only in the last stage, so the images built together share one Maven build.
# RUN --mount needs BuildKit: docker compose, or docker build with the buildx plugin. No "# syntax"
# line: the frontend built into BuildKit reads this file, and no registry has to be asked for one.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -ntp -DskipTests package

FROM eclipse-temurin:21-jre
ARG SERVICE
# A fixed uid above the system range, without a home or a login shell.
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /src/${SERVICE}/target/${SERVICE}-*-exec.jar /app/app.jar
# The service's heap and other sizes, measured (docs/operations.md): the same file run.sh gives the JVM.
COPY ${SERVICE}/jvm.options /app/jvm.options
USER app
# Java 21 pins a virtual thread to its carrier while it blocks inside synchronized code, as a Kafka consumer
# does while it joins its group; with a carrier per CPU, two such consumers on two CPUs starved everything
# else, even the consumers the rebalance waited for, and telegram-service never got ready. More carriers
# than a service has consumers; Java 24 no longer pins (JEP 491). JAVA_OPTS comes after the sizes, so it overrides them.
ENTRYPOINT ["sh", "-c", "exec java -Djdk.virtualThreadScheduler.parallelism=32 @/app/jvm.options $JAVA_OPTS -jar /app/app.jar \"$@\"", "java"]
