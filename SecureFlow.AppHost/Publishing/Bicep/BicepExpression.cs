namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>A Bicep expression written as is (a reference, a function call, an interpolated string), not quoted.</summary>
internal sealed record BicepExpression(string Text)
{
    public override string ToString() => Text;
}
