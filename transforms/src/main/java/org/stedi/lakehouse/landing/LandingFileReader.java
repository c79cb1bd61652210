package org.stedi.lakehouse.landing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.stedi.lakehouse.model.QuarantinedLine;
import org.stedi.lakehouse.model.Source;

/**
 * Reads one landing file as the pipelines read it ({@link ReadLanding} runs this for each file),
 * outside Beam too: so that whatever shows landing data to people ({@code stedi show}) accepts and
 * rejects exactly the lines that the pipelines accept and quarantine.
 *
 * <p>A file whose name ends in {@code .gz} is read as one or more gzip members; lines are split on
 * {@code \n} ({@code \r\n} too); blank lines are skipped; each other line is parsed as strict UTF-8
 * JSON by the source's {@link LandingParser}, or rejected with the parser's reason; a line longer
 * than the limit, and the unreadable rest of a damaged gzip file, are rejected too (see {@link
 * ReadLanding} for the details).
 */
public final class LandingFileReader {
  private LandingFileReader() {}

  /** Where the lines of a file go. */
  public interface Receiver<T> {
    /** A line that parsed. */
    void record(T record);

    /** A line that did not, with its reason: what the pipelines write to quarantine. */
    void rejected(QuarantinedLine line);
  }

  /**
   * Reads the file {@code name} from {@code opened} (which this method closes) into {@code receiver}.
   *
   * @throws IOException when the storage itself fails (not bad input): a reader should retry or fail
   */
  public static <T> void read(LandingParser<T> parser, String name, InputStream opened, int maxLineBytes, Receiver<T> receiver)
      throws IOException {
    Source source = parser.source();
    Router<T> router = new Router<>(parser, source, name, maxLineBytes, receiver);
    boolean gzip = name.endsWith(".gz");
    try (InputStream stored = new StorageInputStream(opened);
        InputStream in = gzip ? new GzipMembersInputStream(stored) : stored) {
      new LineSplitter(maxLineBytes).split(in, router);
    } catch (StorageInputStream.StorageException e) {
      throw e.getCause();
    } catch (IOException e) {
      if (!gzip) {
        throw e;
      }
      long next = router.lastLineNumber + 1;
      receiver.rejected(
          new QuarantinedLine(
              source,
              name,
              next,
              "",
              "damaged gzip file: "
                  + e.getMessage()
                  + "; "
                  + router.lastLineNumber
                  + " lines were read before the damage, the rest of the file from line "
                  + next
                  + " on is unreadable"));
    }
  }

  /** Parses each line and sends it to the receiver. */
  private static final class Router<T> implements LineSplitter.LineHandler {
    private final LandingParser<T> parser;
    private final Source source;
    private final String file;
    private final int maxLineBytes;
    private final Receiver<T> receiver;
    long lastLineNumber;

    Router(LandingParser<T> parser, Source source, String file, int maxLineBytes, Receiver<T> receiver) {
      this.parser = parser;
      this.source = source;
      this.file = file;
      this.maxLineBytes = maxLineBytes;
      this.receiver = receiver;
    }

    @Override
    public void line(long lineNumber, byte[] bytes, int offset, int length, boolean truncated) {
      lastLineNumber = lineNumber;
      if (!truncated && LineSplitter.isBlank(bytes, offset, length)) {
        return;
      }
      String reason;
      if (truncated) {
        reason = "line longer than the limit of " + maxLineBytes + " bytes; raw text holds its head";
      } else {
        try {
          receiver.record(parser.parse(bytes, offset, length));
          return;
        } catch (RejectedLineException e) {
          reason = e.reason();
        }
      }
      String raw = new String(bytes, offset, length, StandardCharsets.UTF_8);
      receiver.rejected(new QuarantinedLine(source, file, lineNumber, raw, reason));
    }
  }
}
