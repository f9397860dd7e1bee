using SecureFlow.Verify;

return await VerifyCommandLine.RunAsync(args, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
