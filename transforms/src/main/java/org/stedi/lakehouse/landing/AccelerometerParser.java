package org.stedi.lakehouse.landing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Source;

/** Parses accelerometer_landing lines into {@link AccelerometerReading} records. */
final class AccelerometerParser extends LandingParser<AccelerometerReading> {
  private static final long serialVersionUID = 1L;

  @Override
  public Source source() {
    return Source.ACCELEROMETER;
  }

  @Override
  AccelerometerReading readObject(JsonParser p) throws IOException, RejectedLineException {
    String user = null;
    Long timestamp = null;
    Double x = null;
    Double y = null;
    Double z = null;
    int seen = 0;
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      JsonToken token = p.nextToken();
      switch (field) {
        case "user":
          seen = markSeen(seen, 1, field);
          user = identifier(p, token, field);
          break;
        case "timestamp":
          seen = markSeen(seen, 1 << 1, field);
          timestamp = integer(p, token, field);
          break;
        case "x":
          seen = markSeen(seen, 1 << 2, field);
          x = number(p, token, field);
          break;
        case "y":
          seen = markSeen(seen, 1 << 3, field);
          y = number(p, token, field);
          break;
        case "z":
          seen = markSeen(seen, 1 << 4, field);
          z = number(p, token, field);
          break;
        default:
          skip(p, token);
      }
    }
    return new AccelerometerReading(
        require(user, "user", (seen & 1) != 0),
        require(timestamp, "timestamp", (seen & (1 << 1)) != 0),
        require(x, "x", (seen & (1 << 2)) != 0),
        require(y, "y", (seen & (1 << 3)) != 0),
        require(z, "z", (seen & (1 << 4)) != 0));
  }
}
