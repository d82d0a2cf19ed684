package io.holdfast.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A handle joined a loop's table (created, accepted, adopted, or taken over by a new owner). */
@Name("io.holdfast.HandleOpened")
@Label("Handle Opened")
@Category("Holdfast")
@Description("A handle joined an event loop (created, accepted, adopted or moved in)")
@StackTrace(false)
public final class HandleOpenedEvent extends jdk.jfr.Event {
  @Label("Loop")
  public String loop;

  @Label("Type")
  public String handleType;

  @Label("Token")
  @Description("Ownership token as #slot.generation")
  public String token;
}
