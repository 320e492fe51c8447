@echo off
rem Runs the agent on the Node runtime shipped beside it; the home defaults to the service's.
rem The Node flags are AGENT_NODE_FLAGS (agent/src/node-flags.ts).
setlocal
if not defined MLC_AGENT_HOME set "MLC_AGENT_HOME=%ProgramData%\ml-connector\agent"
"%~dp0node.exe" --max-semi-space-size=16 "%~dp0app\dist\cli\agent.cli.js" %*
exit /b %ERRORLEVEL%
