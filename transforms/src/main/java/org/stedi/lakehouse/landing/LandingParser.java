package org.stedi.lakehouse.landing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.model.StepTrainerReading;

/**
 * Parses one landing line (one JSON object, UTF-8) into a record of one source, or rejects it with a
 * reason, following the contract's section 5: the line must be a single JSON object; required fields must be
 * present and non-null; typed fields must have the right JSON type (epoch milliseconds and
 * {@code distanceFromObject}: integers in the 64-bit range; {@code x}, {@code y}, {@code z}: any
 * finite number; {@code email}, {@code user}, {@code serialNumber}: non-blank strings); free-text
 * fields take any value as its text; unknown fields are ignored; a known field given twice in one
 * object is rejected (its value would be ambiguous). The line must be well-formed UTF-8: a line
 * that Jackson would read as UTF-16 or UTF-32, or that holds an ill-formed UTF-8 sequence (even in
 * an ignored field), is rejected.
 *
 * <p>Parsing streams over the line's bytes with one shared {@link JsonFactory}: no tree, no
 * per-line mapper, and no exception on a good line.
 */
public abstract class LandingParser<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Shared by all parsers: a JsonFactory is thread-safe once configured. */
  static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

  LandingParser() {}

  /** The parser of customer_landing lines. */
  public static LandingParser<Customer> customers() {
    return new CustomerParser();
  }

  /** The parser of accelerometer_landing lines. */
  public static LandingParser<AccelerometerReading> accelerometer() {
    return new AccelerometerParser();
  }

  /** The parser of step_trainer_landing lines. */
  public static LandingParser<StepTrainerReading> stepTrainer() {
    return new StepTrainerParser();
  }

  /** The source whose lines this parser reads. */
  public abstract Source source();

  /** Parses a line given as text. */
  public final T parse(String line) throws RejectedLineException {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    return parse(bytes, 0, bytes.length);
  }

  /** Parses the UTF-8 line in {@code bytes[offset, offset + length)}. */
  public final T parse(byte[] bytes, int offset, int length) throws RejectedLineException {
    if (Utf8.looksLikeUtf16Or32(bytes, offset, length)) {
      throw new RejectedLineException(
          "not UTF-8: the line starts with " + Utf8.hexAt(bytes, offset, length, 0)
              + " (a NUL byte or a UTF-16 byte-order mark: UTF-16 or UTF-32 text, or binary data)");
    }
    T record = parseJson(bytes, offset, length);
    int malformed = Utf8.firstMalformed(bytes, offset, length);
    if (malformed >= 0) {
      throw new RejectedLineException(
          "not UTF-8: ill-formed byte sequence at byte " + malformed + " of the line ("
              + Utf8.hexAt(bytes, offset, length, malformed) + ")");
    }
    return record;
  }

  private T parseJson(byte[] bytes, int offset, int length) throws RejectedLineException {
    try (JsonParser parser = JSON.createParser(bytes, offset, length)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new RejectedLineException("not a JSON object: the line holds " + describe(first));
      }
      T record = readObject(parser);
      JsonToken after = parser.nextToken();
      if (after != null) {
        throw new RejectedLineException(
            "unexpected content (" + describe(after) + ") after the JSON object; one object per line is expected");
      }
      return record;
    } catch (StreamConstraintsException e) {
      throw new RejectedLineException("JSON beyond the parser's limits: " + e.getOriginalMessage());
    } catch (JsonParseException e) {
      throw new RejectedLineException("malformed JSON" + inField(e) + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new RejectedLineException("unreadable JSON: " + e.getMessage());
    }
  }

  /**
   * Reads the fields of the object whose START_OBJECT the parser is on, through its END_OBJECT, and
   * builds the record.
   */
  abstract T readObject(JsonParser parser) throws IOException, RejectedLineException;

  private static String inField(JsonParseException e) {
    try {
      String field = e.getProcessor() == null ? null : e.getProcessor().currentName();
      return field == null ? "" : " in field '" + field + "'";
    } catch (IOException | RuntimeException unknown) {
      return "";
    }
  }

  // ---- helpers shared by the source parsers ----------------------------------------------------

  /** Marks field {@code bit} seen, rejecting a second occurrence in the same object. */
  static int markSeen(int seen, int bit, String field) throws RejectedLineException {
    if ((seen & bit) != 0) {
      throw new RejectedLineException("field '" + field + "' appears more than once");
    }
    return seen | bit;
  }

  /** A required or optional string field (identifiers); {@code null} for JSON null. */
  static String identifier(JsonParser p, JsonToken token, String field) throws IOException, RejectedLineException {
    if (token == JsonToken.VALUE_STRING) {
      String value = p.getText();
      if (value.isBlank()) {
        throw new RejectedLineException("field '" + field + "' is blank");
      }
      return value;
    }
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    throw wrongType(p, token, field, "a string");
  }

  /** An epoch-millisecond or other integer field; {@code null} for JSON null. */
  static Long integer(JsonParser p, JsonToken token, String field) throws IOException, RejectedLineException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType type = p.getNumberType();
      if (type == JsonParser.NumberType.BIG_INTEGER) {
        throw new RejectedLineException(
            "field '" + field + "' is an integer beyond the 64-bit range: " + abbreviate(p.getText()));
      }
      return p.getLongValue();
    }
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    throw wrongType(p, token, field, "an integer");
  }

  /** A measurement: any finite JSON number; {@code null} for JSON null. */
  static Double number(JsonParser p, JsonToken token, String field) throws IOException, RejectedLineException {
    if (token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_NUMBER_INT) {
      double value = p.getDoubleValue();
      if (!Double.isFinite(value)) {
        throw new RejectedLineException(
            "field '" + field + "' is beyond the range of a double: " + abbreviate(p.getText()));
      }
      return value;
    }
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    throw wrongType(p, token, field, "a number");
  }

  /**
   * A free-text field: a string as given, a number or boolean as its JSON text (a phone number sent
   * as a number keeps its digits), an object or array as its compact JSON text; {@code null} for
   * JSON null. Never rejects.
   */
  static String freeText(JsonParser p, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_NULL:
        return null;
      case START_OBJECT:
      case START_ARRAY:
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = JSON.createGenerator(text)) {
          generator.copyCurrentStructure(p);
        }
        return text.toString();
      default:
        return p.getText();
    }
  }

  /** Skips the value of an unknown field, nested structures included. */
  static void skip(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
      p.skipChildren();
    }
  }

  static RejectedLineException missing(String field) {
    return new RejectedLineException("required field '" + field + "' is missing");
  }

  static <V> V require(V value, String field, boolean seen) throws RejectedLineException {
    if (value == null) {
      throw seen ? new RejectedLineException("required field '" + field + "' is null") : missing(field);
    }
    return value;
  }

  private static RejectedLineException wrongType(JsonParser p, JsonToken token, String field, String expected)
      throws IOException {
    String found = describe(token);
    if (token.isScalarValue()) {
      found += " (" + abbreviate(p.getText()) + ")";
    }
    return new RejectedLineException("field '" + field + "' must be " + expected + ", found " + found);
  }

  static String describe(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    switch (token) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
        return "an integer";
      case VALUE_NUMBER_FLOAT:
        return "a decimal number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return token.asString() == null ? token.name() : "'" + token.asString() + "'";
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
