var builder = WebApplication.CreateBuilder(args);
builder.Services.AddActorSessions(o =>         // where builder.Services.AddSession(o => ...) would go
{
    o.IdleTimeout = TimeSpan.FromMinutes(20);  // SessionOptions' names: IdleTimeout, IOTimeout, Cookie
    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
});

var app = builder.Build();
app.UseActorSessions();                        // where app.UseSession() would go

app.MapGet("/", (HttpContext http) =>
{
    var visits = (http.Session.GetInt32("visits") ?? 0) + 1;   // HttpContext.Session is ASP.NET Core's ISession
    http.Session.SetInt32("visits", visits);
    return $"visit {visits}";
});
app.MapPost("/login", async (HttpContext http) =>
{
    await http.RenewSessionIdAsync();          // fresh id at login, against session fixation
    http.Session.SetString("user", "ada");
});
app.MapPost("/logout", (HttpContext http) => http.EndSessionAsync());
app.Run();
