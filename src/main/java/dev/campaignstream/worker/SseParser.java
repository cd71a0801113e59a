package dev.campaignstream.worker;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Incremental parser for the W3C server-sent-events format.
 *
 * <p>One instance per HTTP response; not thread-safe, it is meant to be fed from a single event loop.
 * Line ends are found on raw bytes and only complete lines are decoded as UTF-8, so a multi-byte
 * character split across network reads is never mangled.
 *
 * <p>Memory is bounded: when the pending event (its field lines plus the unterminated line) grows past
 * {@code maxEventBytes}, {@link #handle} throws {@link SseFormatException}; the instance must then be
 * discarded.
 */
public final class SseParser {

  private static final byte LF = '\n';
  private static final byte CR = '\r';
  private static final byte COLON = ':';
  private static final byte SPACE = ' ';
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final byte[] DATA = bytes("data");
  private static final byte[] EVENT = bytes("event");
  private static final byte[] ID = bytes("id");
  /**
   * Where a read is copied to be scanned, one per thread: a parser runs on one event loop and is done
   * with the copy when {@link #handle} returns, so the streams of a loop share one array instead of
   * allocating a copy of every read or holding one each. The service's reads are 4 KB; a larger one
   * gets an array of its own.
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** A thread's scratch array, marked while a parser scans it (a handler may feed another parser). */
  private static final class Scratch {
    final byte[] bytes = new byte[8192];
    boolean inUse;
  }

  private final int maxEventBytes;
  private final Handler<SseEvent> eventHandler;

  // Bytes of a line whose end has not arrived yet; reused for the whole stream.
  private byte[] partial = new byte[256];
  private int partialLength;

  // The pending event's data: its only line as is (the usual event has one), or all lines joined.
  private String firstData;
  private StringBuilder moreData;
  private String eventType;
  private String lastEventId;
  private int eventBytes;

  private boolean firstLine = true;
  // A read ended with CR: an LF starting the next read belongs to the same line end.
  private boolean skipLeadingLf;
  private boolean ended;
  private boolean endedMidEvent;

  public SseParser(int maxEventBytes, Handler<SseEvent> eventHandler) {
    if (maxEventBytes <= 0) {
      throw new IllegalArgumentException("maxEventBytes must be positive: " + maxEventBytes);
    }
    this.maxEventBytes = maxEventBytes;
    this.eventHandler = Objects.requireNonNull(eventHandler, "eventHandler");
  }

  /**
   * Feeds one network read; dispatches every event it completes, in order. An exception from the
   * event handler propagates and leaves the rest of this read unparsed.
   */
  public void handle(Buffer chunk) {
    if (ended) {
      throw new IllegalStateException("stream already ended");
    }
    // The read (a few kB at most) is scanned as an array: Buffer.getByte checks the buffer's bounds
    // and reference count on every byte, which cost more than the parsing itself.
    int length = chunk.length();
    Scratch scratch = SCRATCH.get();
    if (scratch.inUse || length > scratch.bytes.length) {
      scan(chunk.getBytes(), length);
      return;
    }
    scratch.inUse = true;
    try {
      chunk.getBytes(0, length, scratch.bytes, 0);
      scan(scratch.bytes, length);
    } finally {
      scratch.inUse = false;
    }
  }

  private void scan(byte[] read, int length) {
    int pos = 0;
    if (skipLeadingLf && length > 0) {
      skipLeadingLf = false;
      if (read[0] == LF) {
        pos = 1;
      }
    }
    int lineStart = pos;
    for (; pos < length; pos++) {
      byte b = read[pos];
      if (b != LF && b != CR) {
        continue;
      }
      if (partialLength == 0) {
        // Common case: the whole line is inside this read, read it in place.
        processLine(read, lineStart, pos);
      } else {
        appendPartial(read, lineStart, pos);
        int completeLength = partialLength;
        partialLength = 0;
        processLine(partial, 0, completeLength);
      }
      if (ended) {
        // The handler ended the stream (e.g. on [DONE]); whatever follows is irrelevant.
        return;
      }
      if (b == CR) {
        if (pos + 1 < length) {
          if (read[pos + 1] == LF) {
            pos++;
          }
        } else {
          skipLeadingLf = true;
        }
      }
      lineStart = pos + 1;
    }
    if (lineStart < length) {
      appendPartial(read, lineStart, length);
    }
  }

  /**
   * The upstream ended. Per the SSE spec an event without its terminating blank line is discarded.
   *
   * @return true if an incomplete event was discarded, i.e. the stream was cut mid-event
   */
  public boolean end() {
    if (!ended) {
      endedMidEvent = hasPartialEvent();
      ended = true;
      firstData = null;
      moreData = null;
      partialLength = 0;
      partial = null;
    }
    return endedMidEvent;
  }

  /**
   * Whether data has arrived that no dispatched event covers yet (pending data lines or an
   * unterminated line). After {@link #end()}, whether the stream ended that way.
   */
  public boolean hasPartialEvent() {
    return ended ? endedMidEvent : firstData != null || partialLength > 0;
  }

  private void appendPartial(byte[] read, int start, int end) {
    int newLength = partialLength + (end - start);
    // Checked before growing, so an oversized line never gets buffered.
    checkLimit(newLength);
    if (newLength > partial.length) {
      partial = Arrays.copyOf(partial, Math.max(newLength, partial.length * 2));
    }
    System.arraycopy(read, start, partial, partialLength, end - start);
    partialLength = newLength;
  }

  private void checkLimit(int lineBytes) {
    if ((long) eventBytes + lineBytes > maxEventBytes) {
      throw new SseFormatException("server-sent event larger than " + maxEventBytes + " bytes");
    }
  }

  private void processLine(byte[] line, int start, int end) {
    if (firstLine) {
      firstLine = false;
      if (startsWith(line, start, end, BOM)) {
        start += BOM.length;
      }
    }
    if (start == end) {
      dispatch();
      return;
    }
    checkLimit(end - start);
    if (line[start] == COLON) {
      // Comments are keep-alives and are not retained, so they do not add up toward the limit.
      return;
    }
    eventBytes += end - start;

    int nameEnd = start;
    while (nameEnd < end && line[nameEnd] != COLON) {
      nameEnd++;
    }
    int valueStart = nameEnd;
    if (valueStart < end) {
      valueStart++;
      if (valueStart < end && line[valueStart] == SPACE) {
        valueStart++;
      }
    }

    if (nameIs(line, start, nameEnd, DATA)) {
      appendData(utf8(line, valueStart, end));
    } else if (nameIs(line, start, nameEnd, EVENT)) {
      eventType = utf8(line, valueStart, end);
    } else if (nameIs(line, start, nameEnd, ID)) {
      String id = utf8(line, valueStart, end);
      // The spec ignores ids containing NUL; an empty id resets the last event id.
      if (id.indexOf('\0') < 0) {
        lastEventId = id.isEmpty() ? null : id;
      }
    }
    // "retry" and unknown fields are ignored: reconnection is the caller's policy.
  }

  private void appendData(String line) {
    if (firstData == null) {
      firstData = line;
    } else {
      if (moreData == null) {
        moreData = new StringBuilder(firstData);
      }
      moreData.append('\n').append(line);
    }
  }

  private void dispatch() {
    eventBytes = 0;
    String type = eventType;
    eventType = null;
    if (firstData == null) {
      return;
    }
    String payload = moreData == null ? firstData : moreData.toString();
    firstData = null;
    moreData = null;
    eventHandler.handle(new SseEvent(type, payload, lastEventId));
  }

  private static String utf8(byte[] line, int start, int end) {
    return start == end ? "" : new String(line, start, end - start, StandardCharsets.UTF_8);
  }

  private static boolean nameIs(byte[] line, int start, int end, byte[] name) {
    return end - start == name.length && startsWith(line, start, end, name);
  }

  private static boolean startsWith(byte[] line, int start, int end, byte[] prefix) {
    if (end - start < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (line[start + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }
}
