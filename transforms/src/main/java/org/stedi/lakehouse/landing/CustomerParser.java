package org.stedi.lakehouse.landing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.Source;

/** Parses customer_landing lines into {@link Customer} records. */
final class CustomerParser extends LandingParser<Customer> {
  private static final long serialVersionUID = 1L;

  @Override
  public Source source() {
    return Source.CUSTOMER;
  }

  @Override
  Customer readObject(JsonParser p) throws IOException, RejectedLineException {
    String customerName = null;
    String email = null;
    String phone = null;
    String birthDay = null;
    String serialNumber = null;
    Long registrationDate = null;
    Long lastUpdateDate = null;
    Long research = null;
    Long publicSharing = null;
    Long friends = null;
    int seen = 0;
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      JsonToken token = p.nextToken();
      switch (field) {
        case "customerName":
          seen = markSeen(seen, 1, field);
          customerName = freeText(p, token);
          break;
        case "email":
          seen = markSeen(seen, 1 << 1, field);
          email = identifier(p, token, field);
          break;
        case "phone":
          seen = markSeen(seen, 1 << 2, field);
          phone = freeText(p, token);
          break;
        case "birthDay":
          seen = markSeen(seen, 1 << 3, field);
          birthDay = freeText(p, token);
          break;
        case "serialNumber":
          seen = markSeen(seen, 1 << 4, field);
          serialNumber = identifier(p, token, field);
          break;
        case "registrationDate":
          seen = markSeen(seen, 1 << 5, field);
          registrationDate = integer(p, token, field);
          break;
        case "lastUpdateDate":
          seen = markSeen(seen, 1 << 6, field);
          lastUpdateDate = integer(p, token, field);
          break;
        case "shareWithResearchAsOfDate":
          seen = markSeen(seen, 1 << 7, field);
          research = integer(p, token, field);
          break;
        case "shareWithPublicAsOfDate":
          seen = markSeen(seen, 1 << 8, field);
          publicSharing = integer(p, token, field);
          break;
        case "shareWithFriendsAsOfDate":
          seen = markSeen(seen, 1 << 9, field);
          friends = integer(p, token, field);
          break;
        default:
          skip(p, token);
      }
    }
    return new Customer(
        customerName,
        require(email, "email", (seen & (1 << 1)) != 0),
        phone,
        birthDay,
        require(serialNumber, "serialNumber", (seen & (1 << 4)) != 0),
        registrationDate,
        lastUpdateDate,
        research,
        publicSharing,
        friends);
  }
}
