package dev.writ.cli;

import dev.writ.sign.OperatorSigner;
import dev.writ.sign.SigningException;
import dev.writ.sign.WritSigner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Sign a writ payload (from 'writ request') into a DSSE envelope.",
      "Give --key once per signer; for a hybrid writ give the ML-DSA-65 key as another --key.",
      "KEY is a key file or pkcs11:token=<label>;label=<key label>[;module=<path>]."
    })
final class SignCommand implements Callable<Integer> {
  private final WritCli.Env env;

  @Parameters(index = "0", paramLabel = "PAYLOAD", description = "Canonical payload JSON.")
  Path payload;

  @Option(
      names = {"-k", "--key"},
      required = true,
      paramLabel = "KEY",
      description = "Signing key (repeatable).")
  List<String> keys;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "Where to write the writ.")
  Path out;

  @Mixin KeyOptions secrets;

  SignCommand(WritCli.Env env) {
    this.env = env;
  }

  @Override
  public Integer call() throws CliException {
    byte[] bytes = Files2.read(payload);
    List<OperatorSigner> signers = secrets.openAll(keys, env);
    try {
      byte[] writ = WritSigner.signWrit(bytes, signers);
      Files2.write(out, writ);
      for (OperatorSigner s : signers) {
        env.err().println("signed by " + s.algorithm().wire() + " key " + s.keyId().shortForm());
      }
      env.err().println("wrote " + out);
      return WritCli.OK;
    } catch (SigningException e) {
      throw new CliException(e.getMessage(), e);
    } finally {
      signers.forEach(OperatorSigner::close);
    }
  }
}
