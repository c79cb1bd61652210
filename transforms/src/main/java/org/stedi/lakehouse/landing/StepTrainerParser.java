package org.stedi.lakehouse.landing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.model.StepTrainerReading;

/** Parses step_trainer_landing lines into {@link StepTrainerReading} records. */
final class StepTrainerParser extends LandingParser<StepTrainerReading> {
  private static final long serialVersionUID = 1L;

  @Override
  public Source source() {
    return Source.STEP_TRAINER;
  }

  @Override
  StepTrainerReading readObject(JsonParser p) throws IOException, RejectedLineException {
    Long sensorReadingTime = null;
    String serialNumber = null;
    Long distanceFromObject = null;
    int seen = 0;
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      JsonToken token = p.nextToken();
      switch (field) {
        case "sensorReadingTime":
          seen = markSeen(seen, 1, field);
          sensorReadingTime = integer(p, token, field);
          break;
        case "serialNumber":
          seen = markSeen(seen, 1 << 1, field);
          serialNumber = identifier(p, token, field);
          break;
        case "distanceFromObject":
          seen = markSeen(seen, 1 << 2, field);
          distanceFromObject = integer(p, token, field);
          break;
        default:
          skip(p, token);
      }
    }
    return new StepTrainerReading(
        require(sensorReadingTime, "sensorReadingTime", (seen & 1) != 0),
        require(serialNumber, "serialNumber", (seen & (1 << 1)) != 0),
        require(distanceFromObject, "distanceFromObject", (seen & (1 << 2)) != 0));
  }
}
