package org.stedi.lakehouse.pipelines.publish;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/** The JSON of the files the publishers keep in a lake: journals and lock entries. */
final class PublishJson {
  /**
   * Maps records to compact JSON (no spaces, fields in the order a record declares them or its
   * {@code @JsonPropertyOrder} gives), and back. Fields that a record does not have are ignored, so
   * that what a later version adds does not stop this one; a field the JSON lacks is null.
   */
  static final ObjectMapper MAPPER = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private PublishJson() {}

  /**
   * What is wrong with a file that did not map to {@code whole} ("a list of tables"), in words and
   * without Java types: that it is not {@code whole}, or where a value of the wrong kind is ({@code
   * $[0].sources}), or what the parser found; then the line and column.
   */
  static String problem(JsonProcessingException e, String whole) {
    String what;
    if (e instanceof MismatchedInputException mismatch) {
      String path = path(mismatch);
      what = path.equals("$") ? "not " + whole : "a value of the wrong kind at " + path;
    } else {
      what = e.getOriginalMessage();
    }
    JsonLocation at = e.getLocation();
    return at == null ? what : what + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder("$");
    for (JsonMappingException.Reference step : e.getPath()) {
      if (step.getFieldName() != null) {
        path.append('.').append(step.getFieldName());
      } else if (step.getIndex() >= 0) {
        path.append('[').append(step.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
