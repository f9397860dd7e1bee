namespace SecureFlow.AppHost.Publishing.Bicep;

/// <summary>One property of a <see cref="BicepObject"/>; <see cref="Why"/> becomes a comment above it.</summary>
internal sealed record BicepProperty(string Name, object Value, string? Why);
