# syntax=docker/dockerfile:1
# One recipe for the image of every service, built with the repository root as context (the parent
# pom and contracts live there); compose.yaml names the service:
#   docker build --build-arg SERVICE=gateway-service -t lms-registration/gateway-service .
FROM eclipse-temurin:21-jdk AS build
ARG SERVICE
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -ntp -pl "${SERVICE}" -am -DskipTests package \
    && cp "${SERVICE}"/target/"${SERVICE}"-*-exec.jar /service.jar

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 app
WORKDIR /app
COPY --from=build /service.jar app.jar
USER app
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
