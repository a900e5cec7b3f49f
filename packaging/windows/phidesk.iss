; Inno Setup script for the Windows installer. Build the bundle first (python packaging\bootstrap.py package),
; then:  iscc /DAppVersion=0.1.0 packaging\windows\phidesk.iss   → dist\PhiDesk-0.1.0-windows-x64-setup.exe
; Installs per user by default (no administrator needed); offers per-machine when run as administrator.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F0A6C2E-3B59-4C58-9C1E-1D3A2B7F5E10}
AppName=PhiDesk
AppVersion={#AppVersion}
AppPublisher=PhiDesk contributors
AppPublisherURL=https://github.com/phidesk/phidesk
DefaultDirName={autopf}\PhiDesk
DefaultGroupName=PhiDesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=PhiDesk-{#AppVersion}-windows-x64-setup
SetupIconFile=phidesk.ico
UninstallDisplayIcon={app}\PhiDesk.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
LicenseFile=..\..\LICENSE

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\PhiDesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\PhiDesk"; Filename: "{app}\PhiDesk.exe"
Name: "{autodesktop}\PhiDesk"; Filename: "{app}\PhiDesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\PhiDesk.exe"; Description: "{cm:LaunchProgram,PhiDesk}"; Flags: nowait postinstall skipifsilent

; Conversations, settings and models live in the user's data folders and are kept on uninstall.
