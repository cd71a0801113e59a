# Build stage: the same Maven build and jar as the README.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src src
COPY conf conf
RUN mvn -B -ntp -q -DskipTests package

# Runtime: a JRE, a non-root user, the jar and conf/ (mount another conf/ to override it).
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home /app campaign
WORKDIR /app
COPY --from=build /src/target/campaign-stream.jar /app/campaign-stream.jar
COPY conf /app/conf
USER campaign
EXPOSE 8080
# Container-aware heap: size it from the container's memory limit, not the host's.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/campaign-stream.jar --conf /app/conf/config.yaml \"$@\"", "--"]
