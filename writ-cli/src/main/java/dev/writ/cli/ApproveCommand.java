package dev.writ.cli;

import dev.writ.sign.OperatorSigner;
import dev.writ.sign.SigningException;
import dev.writ.sign.WritSigner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    description = {
      "Add one more signature to an existing writ: an approver's, or the ML-DSA-65 half of a",
      "hybrid. Review it first with 'writ inspect'. Refuses to sign twice with one key."
    })
final class ApproveCommand implements Callable<Integer> {
  private final WritCli.Env env;

  @Parameters(index = "0", paramLabel = "WRIT", description = "The writ envelope.")
  Path writ;

  @Option(
      names = {"-k", "--key"},
      required = true,
      paramLabel = "KEY",
      description = "Approver's key.")
  String key;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Where to write (default: replace WRIT).")
  Path out;

  @Mixin KeyOptions secrets;

  ApproveCommand(WritCli.Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws CliException {
    byte[] bytes = Files2.read(writ);
    try (OperatorSigner signer = secrets.open(key, env)) {
      byte[] signed = WritSigner.addSignature(bytes, signer);
      Path target = out == null ? writ : out;
      Files2.write(target, signed);
      env.err()
          .println(
              "added "
                  + signer.algorithm().wire()
                  + " signature by "
                  + signer.keyId().shortForm()
                  + " to "
                  + target);
      return WritCli.OK;
    } catch (SigningException e) {
      throw new CliException(e.getMessage(), e);
    }
  }
}
