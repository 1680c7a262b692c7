// The 48 px top bar with the product name, as the console shows "Fabric Operations Console".
export function AppHeader() {
  return (
    <header className="fhd-header">
      <a className="fhd-header__skip" href="#main-content">
        Skip to main content
      </a>
      <span className="fhd-header__name">Fabric HA Desktop</span>
    </header>
  );
}
