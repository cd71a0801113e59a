package dev.campaignstream.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/** Polls a condition on the event loop until it holds, failing after a deadline. */
public final class Eventually {

  private Eventually() {
  }

  /** Completes with the milliseconds it took, or fails naming {@code what}. */
  public static Future<Long> await(Vertx vertx, String what, long timeoutMs, BooleanSupplier condition) {
    Promise<Long> promise = Promise.promise();
    long start = System.nanoTime();
    vertx.setPeriodic(0, 5, id -> {
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        promise.tryComplete(elapsedMs);
      } else if (elapsedMs > timeoutMs) {
        vertx.cancelTimer(id);
        promise.tryFail(new AssertionError("Not within " + timeoutMs + " ms: " + what));
      }
    });
    return promise.future();
  }

  public static Future<Void> sleep(Vertx vertx, long ms) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(ms, id -> promise.complete());
    return promise.future();
  }
}
