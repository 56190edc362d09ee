using Microsoft.Extensions.Options;

namespace ActorSessions.AspNetCore;

/// <summary>Reports invalid <see cref="ActorSessionsHttpOptions"/> when the host starts (<c>ValidateOnStart</c>), with the option and the reason.</summary>
internal sealed class ActorSessionsHttpOptionsValidator : IValidateOptions<ActorSessionsHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, ActorSessionsHttpOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
