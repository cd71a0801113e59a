package dev.campaignstream.bench;

/**
 * {@code java -jar campaign-stream-bench.jar load|upstream|proxy|netty-relay|otlp-sink|cache-footprint [--option value ...]}: see bench/README in
 * BENCHMARKS.md for the options.
 */
public final class Bench {

  private Bench() {
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      usage();
      System.exit(2);
    }
    int status;
    try {
      status = switch (argv[0]) {
        case "load" -> LoadGenerator.run(new Args(argv, 1, LoadGenerator.FLAGS));
        case "upstream" -> UpstreamLauncher.run(new Args(argv, 1, java.util.Set.of()));
        case "proxy" -> PassThroughProxy.run(new Args(argv, 1, java.util.Set.of()));
        case "netty-relay" -> NettyRelay.run(new Args(argv, 1, java.util.Set.of()));
        case "cache-footprint" -> CacheFootprint.run(new Args(argv, 1, java.util.Set.of()));
        case "otlp-sink" -> OtlpSink.run(new Args(argv, 1, java.util.Set.of()));
        case "upstream-protocols" -> UpstreamProtocols.run(new Args(argv, 1, java.util.Set.of()));
        default -> {
          usage();
          yield 2;
        }
      };
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      usage();
      status = 2;
    }
    System.exit(status);
  }

  private static void usage() {
    System.err.println("""
        usage: java -jar campaign-stream-bench.jar load [options]
                 --mode service|direct     GET the service's /campaign, or POST the OpenAI request to the upstream
                 --url URL                 target (default service http://127.0.0.1:18480/campaign?prompt=Acme%20Coffee,
                                           direct http://127.0.0.1:18481/v1/chat/completions)
                 --brands N                service mode: request k asks for brand Brand-<k mod N> (replaces
                                           the URL's prompt parameter); responses are counted by X-Campaign-Cache
                 --accept TYPE             Accept header (service default text/plain; direct text/event-stream)
                 --concurrency N           virtual callers, each a closed loop (default 10); pool size = N
                 --duration S | --requests N   timed run (default 10 s) or a fixed total
                 --warmup S                seconds not measured at the start of a timed run
                 --ramp-ms MS              spread the callers' first requests over this long
                 --drain S                 after a timed run, wait this long for streams in flight (default 30)
                 --abort-at-end            streams still open at the end are ended, not counted as errors
                 --slow-bytes-per-second B pause each response and read only about B bytes a second
                 --receive-buffer-bytes B  fixed socket receive buffer (slow-reader default 4096; else the kernel's)
                 --idle-timeout-ms MS      a stream silent this long is a timeout (default 30000)
                 --request-timeout-ms MS   a stream longer than this is a timeout (default none)
                 --event-loops N           client event loops, one HTTP client each (default min(2, cores))
                 --label L --out FILE      name of the run; append the JSON line to FILE
                 --service-metrics URL     the service's own time to first token over the window (a fixed
                                           total: the whole run), from its /metrics (service_first_token_ms:
                                           caller, upstream)
                 --fail-on-error           exit 1 on any error; --min-completed N: exit 1 below N completed
               java -jar campaign-stream-bench.jar upstream [--port 18481] [--chunks 40]
                 [--chunk-interval-ms 10] [--first-token-delay-ms 5] [--delta-bytes 0 = generated words]
                 [--event-loops N] [--stats-every-s 5]
               java -jar campaign-stream-bench.jar proxy [--port 18482] [--upstream-port 18481] [--event-loops N]
                 a pass-through reference (scenario 1): forwards each request to the upstream and pipes the answer back
               java -jar campaign-stream-bench.jar netty-relay [--port 18482] [--upstream-port 18481] [--event-loops N]
                 the same on Netty alone, without Vert.x (PROXY_KIND=netty-relay runs it in the proxy's place)
               java -jar campaign-stream-bench.jar otlp-sink [--port 18484]
                 an OTLP/HTTP trace receiver that drops what it gets (the tracing scenario); GET /stats counts it
               java -jar campaign-stream-bench.jar cache-footprint [--campaigns 10000] [--deltas 600]
                 heap per cached campaign, as the cache keeps it and as a list of strings
        """);
  }
}
