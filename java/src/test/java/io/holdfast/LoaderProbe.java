package io.holdfast;

/**
 * Run in a fresh JVM by {@link LoaderFallbackTest}: loads the library and prints what happened,
 * one fact per line. Exit status 0 when loaded, 3 when not.
 */
public final class LoaderProbe {
    private LoaderProbe() {
    }

    public static void main(String[] args) {
        boolean ok = Holdfast.isAvailable();
        System.out.println("available=" + ok);
        System.out.println("path=" + Holdfast.libraryPath());
        for (String line : Holdfast.loadReport()) {
            System.out.println("attempt=" + line);
        }
        if (!ok) {
            try {
                Holdfast.ensureAvailable();
                System.out.println("ensureAvailable did not throw");
                System.exit(4);
            } catch (UnsatisfiedLinkError e) {
                System.out.println("error-begin");
                System.out.println(e.getMessage());
                System.out.println("error-end");
                System.out.println("cause-is-unavailabilityCause=" + (e.getCause() == Holdfast.unavailabilityCause()));
            }
        }
        System.out.flush();
        System.exit(ok ? 0 : 3);
    }
}
