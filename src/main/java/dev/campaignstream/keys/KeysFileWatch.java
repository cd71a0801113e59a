package dev.campaignstream.keys;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys in force on a node: read from the keys file at start (a bad file fails the start), then
 * read again every {@code checkMs} and, when its bytes changed, parsed and put in force for the
 * requests that follow. Streams in flight were authenticated when they started and are not touched.
 * A file that no longer parses or breaks a rule keeps the previous keys in force and is logged once,
 * by line and rule, never by content. Reading and parsing run off the event loops.
 */
public final class KeysFileWatch extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KeysFileWatch.class);

  private final String file;
  private final long checkMs;
  private volatile CallerKeys current = CallerKeys.NONE;
  /** The bytes last looked at, in force or refused: a file that did not change is not parsed again. */
  private Buffer seen;
  private boolean unreadable;

  public KeysFileWatch(String file, long checkMs) {
    this.file = file;
    this.checkMs = checkMs;
  }

  /**
   * Reads the file once, then watches it; fails with the file's problems when it is not valid. The
   * check's timer belongs to this verticle, so it stops with the node's deployments.
   */
  @Override
  public Future<?> start() {
    return vertx.fileSystem().readFile(file)
        .recover(failure -> Future.failedFuture(new InvalidKeysFileException(java.util.List.of(
            "cannot be read (" + failure.getClass().getSimpleName() + ")"))))
        .compose(bytes -> parse(bytes).onSuccess(keys -> {
          seen = bytes;
          current = keys;
        }))
        .map(keys -> {
          LOG.info("Caller keys: {} declared in {}, checked for changes every {} ms", keys.size(), file, checkMs);
          vertx.setPeriodic(checkMs, tick -> check());
          return keys;
        });
  }

  /** The keys in force now. */
  public CallerKeys current() {
    return current;
  }

  private void check() {
    vertx.fileSystem().readFile(file).onComplete(read -> {
      if (read.failed()) {
        if (!unreadable) {
          unreadable = true;
          LOG.warn("Cannot read the caller keys file {} ({}); the {} keys read before stay in force", file,
              read.cause().getClass().getSimpleName(), current.size());
        }
        return;
      }
      unreadable = false;
      Buffer bytes = read.result();
      if (bytes.equals(seen)) {
        return;
      }
      seen = bytes;
      parse(bytes).onComplete(parsed -> {
        if (parsed.succeeded()) {
          current = parsed.result();
          LOG.info("Caller keys reloaded from {}: {} declared", file, parsed.result().size());
        } else {
          LOG.warn("The caller keys file {} changed but is not valid, so the {} keys read before stay in force: {}",
              file, current.size(), parsed.cause().getMessage());
        }
      });
    });
  }

  private Future<CallerKeys> parse(Buffer bytes) {
    if (bytes.length() > KeysFile.MAX_BYTES) {
      return Future.failedFuture(new InvalidKeysFileException(java.util.List.of(
          "the file is larger than " + KeysFile.MAX_BYTES + " bytes")));
    }
    return vertx.executeBlocking(() -> KeysFile.parse(bytes.getBytes()), false);
  }

  /** The path, as messages name it. */
  public Path path() {
    return Path.of(file);
  }
}
