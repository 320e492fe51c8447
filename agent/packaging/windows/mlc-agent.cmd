@echo off
rem Runs the agent on the Node runtime shipped beside it; the home defaults to the service's.
setlocal
if not defined MLC_AGENT_HOME set "MLC_AGENT_HOME=%ProgramData%\ml-connector\agent"
"%~dp0node.exe" "%~dp0app\dist\cli\agent.cli.js" %*
exit /b %ERRORLEVEL%
