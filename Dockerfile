# syntax=docker/dockerfile:1
# Build stage: the same Maven build, jar and conf/ that the README and the tests use.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src src
COPY conf conf
RUN mvn -B -ntp -q -DskipTests package

# Runtime: a JRE, a non-root user, the jar, and conf/ (mount your own over /app/conf to change it).
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app campaign
WORKDIR /app
COPY --from=build /src/target/campaign-stream.jar /app/campaign-stream.jar
COPY conf /app/conf
USER 10001
EXPOSE 8080
# Heap: half of the container's memory limit (not the host's), from the start; the other half is for
# what the JVM and Netty hold outside the heap (direct buffers, code, metaspace, thread stacks). A
# heap that starts small makes Parallel GC grow it by full collections of up to a second each while
# a burst of streams fills it. Parallel GC: the least CPU and memory per stream of the collectors
# measured (BENCHMARKS.md, scenario 2); fail fast rather than limp on OOM. -XX:-DontCompileHugeMethods:
# the JSON-schema validator that checks every request against the contract is one method longer than
# HotSpot's limit for compiling a method, so without it the JIT never compiles it and every request
# is validated by the interpreter. bench/ runs the service with exactly these options.
ENV JAVA_OPTS="-XX:+UseParallelGC -XX:InitialRAMPercentage=50 -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -XX:-DontCompileHugeMethods"
# Configuration: environment variables (OPENAI_API_KEY, CALLER_KEYS_FILE or CALLER_AUTH, OPENAI_MODEL,
# HTTP_PORT, MANAGEMENT_PORT, ...), see the README.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${MANAGEMENT_PORT:-${HTTP_PORT:-8080}}/health/ready" > /dev/null || exit 1
# SIGTERM drains streams in flight (HTTP_DRAIN_TIMEOUT_MS), then the process exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/campaign-stream.jar --conf /app/conf/config.yaml \"$@\"", "--"]
