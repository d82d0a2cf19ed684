package io.holdfast.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** An operation on a closed or moved handle was rejected; the stack trace shows the caller. */
@Name("io.holdfast.StaleHandleRejected")
@Label("Stale Handle Rejected")
@Category("Holdfast")
@Description("An operation on a closed or moved handle was rejected with HandleClosedException")
@StackTrace(true)
public final class StaleHandleRejectedEvent extends jdk.jfr.Event {
  @Label("Type")
  public String handleType;

  @Label("Token")
  public String token;

  @Label("Reason")
  @Description("CLOSED or MOVED")
  public String reason;

  @Label("Detail")
  public String detail;
}
