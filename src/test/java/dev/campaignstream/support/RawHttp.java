package dev.campaignstream.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Bytes on a plain socket, for what no well-behaved client sends: ambiguous framing, made-up
 * methods, slow or silent connections. Blocking, so for the test thread only.
 */
public final class RawHttp {

  private static final Pattern STATUS_LINE = Pattern.compile("(?<![ \\w])HTTP/1\\.[01] \\d{3} ");

  private RawHttp() {
  }

  /** What came back, and whether the server closed the connection before {@code waitMs} passed. */
  public record Answer(String text, boolean closed) {

    /** Status lines: at the start or right after a body, never inside one ("an HTTP/1.1 request"). */
    public int responses() {
      return (int) STATUS_LINE.matcher(text).results().count();
    }

    public String statusLine() {
      int end = text.indexOf("\r\n");
      return end < 0 ? text : text.substring(0, end);
    }
  }

  public static Answer send(int port, String request, long waitMs) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return read(socket, waitMs);
    }
  }

  /** Reads until the server closes or nothing more arrives for {@code waitMs}. */
  public static Answer read(Socket socket, long waitMs) throws IOException {
    socket.setSoTimeout((int) waitMs);
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        seen.write(buffer, 0, n);
      }
      return new Answer(seen.toString(StandardCharsets.ISO_8859_1), true);
    } catch (SocketTimeoutException stillOpen) {
      return new Answer(seen.toString(StandardCharsets.ISO_8859_1), false);
    } catch (java.net.SocketException reset) {
      return new Answer(seen.toString(StandardCharsets.ISO_8859_1), true);
    }
  }
}
