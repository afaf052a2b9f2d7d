package org.cipherformer.cli;

import java.io.PrintWriter;
import org.cipherformer.client.CipherformerException;
import picocli.CommandLine;

/**
 * Entry point of the {@code cipherformer} command (run through the {@code ./cipherformer} launcher). Errors are one
 * line on stderr, {@code cipherformer <command>: <message>}, with a non-zero exit code and no stack trace unless
 * {@code --verbose} is given:
 * <ul>
 *   <li>1: the command failed (the server's status, a bad file, a disagreement in {@code demo});
 *   <li>2: the command line is wrong (unknown option, missing or malformed value).
 * </ul>
 */
public final class Main {
  /** Exit code of a command that failed. */
  public static final int FAILED = 1;
  /** Exit code of a wrong command line. */
  public static final int USAGE = 2;

  private Main() {
  }

  /** @param args the command line */
  public static void main(String[] args) {
    int code = commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    System.exit(code);
  }

  /**
   * The configured command line, writing to the given streams (tests call {@code execute} on it).
   *
   * @param out standard output
   * @param err standard error
   * @return the command line
   */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new CipherformerCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage()
          + " (see " + c.getCommandSpec().qualifiedName() + " --help)");
      c.getErr().flush();
      return USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
      String message = ex instanceof CipherformerException ce ? ce.getMessage() : describe(ex);
      c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + message);
      if (verbose(parseResult)) {
        ex.printStackTrace(c.getErr());
      }
      c.getErr().flush();
      return FAILED;
    });
    return cl;
  }

  /** One line for an exception: its message, or its type if it has none; the cause's message if it adds one. */
  static String describe(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    if (e instanceof java.io.IOException && !(e instanceof java.nio.file.NoSuchFileException)) {
      return "I/O error: " + m;
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file: " + m;
    }
    return m.replace('\n', ' ');
  }

  private static boolean verbose(CommandLine.ParseResult r) {
    for (CommandLine.ParseResult p = r; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
