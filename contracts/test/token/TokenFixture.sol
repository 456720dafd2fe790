// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {KeelTest} from "../utils/KeelTest.sol";
import {KeelToken} from "../../src/token/KeelToken.sol";
import {KeelRoles} from "../../src/token/KeelRoles.sol";
import {ModularCompliance} from "../../src/compliance/ModularCompliance.sol";
import {GlobalCompliance} from "../../src/compliance/GlobalCompliance.sol";
import {TestIdentityRegistry} from "../mocks/TestIdentityRegistry.sol";

/// @notice Deploys registry, global compliance, token compliance and token, either plain
/// or behind ERC1967 (UUPS) proxies. Suites inherit it and a `...Proxied` subclass
/// flips `_proxied()`, so the same tests run against both deployments.
abstract contract TokenFixture is KeelTest {
    uint16 internal constant US = 840;
    uint16 internal constant DE = 276;
    uint16 internal constant FR = 250;

    TestIdentityRegistry internal registry;
    GlobalCompliance internal globalCompliance;
    ModularCompliance internal compliance;
    KeelToken internal token;

    address internal admin = address(this);
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal mallory = makeAddr("mallory"); // never registered
    address internal custodian = makeAddr("custodian");
    address internal issuer = makeAddr("issuer");
    address internal emergency = makeAddr("emergency");
    address internal governor = makeAddr("governor");

    function _proxied() internal pure virtual returns (bool) {
        return false;
    }

    function _features() internal view virtual returns (uint256) {
        return 0;
    }

    /// @dev The token contract under test (per-kind variants override).
    function _newToken(bool asImplementation) internal virtual returns (KeelToken) {
        return new KeelToken(asImplementation);
    }

    function setUp() public virtual {
        registry = new TestIdentityRegistry();
        registry.register(alice, US);
        registry.register(bob, DE);
        registry.register(carol, FR);
        globalCompliance = _deployGlobal();
        compliance = _deployCompliance();
        token = _deployToken(address(compliance));
        token.grantRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, issuer);
        token.grantRole(KeelRoles.CUSTODIAN_ROLE, custodian);
        token.grantRole(KeelRoles.EMERGENCY_ROLE, emergency);
        token.grantRole(KeelRoles.GOVERNANCE_ROLE, governor);
    }

    function _deployGlobal() internal returns (GlobalCompliance g) {
        if (_proxied()) {
            address impl = address(new GlobalCompliance(true));
            g = GlobalCompliance(
                address(new ERC1967Proxy(impl, abi.encodeCall(GlobalCompliance.initialize, (admin))))
            );
        } else {
            g = new GlobalCompliance(false);
            g.initialize(admin);
        }
    }

    function _deployCompliance() internal returns (ModularCompliance c) {
        if (_proxied()) {
            address impl = address(new ModularCompliance(true));
            c = ModularCompliance(
                address(
                    new ERC1967Proxy(
                        impl, abi.encodeCall(ModularCompliance.initialize, (admin, address(globalCompliance)))
                    )
                )
            );
        } else {
            c = new ModularCompliance(false);
            c.initialize(admin, address(globalCompliance));
        }
    }

    function _params(address compliance_) internal view returns (KeelToken.InitParams memory) {
        return KeelToken.InitParams({
            name: "Keel Bond 2030",
            symbol: "KB30",
            decimals: 6,
            isin: "XS0000000009",
            onchainID: makeAddrView("token-identity"),
            identityRegistry: address(registry),
            compliance: compliance_,
            admin: admin
        });
    }

    function _deployToken(address compliance_) internal returns (KeelToken t) {
        KeelToken.InitParams memory p = _params(compliance_);
        if (_proxied()) {
            address impl = address(_newToken(true));
            t = KeelToken(
                address(new ERC1967Proxy(impl, abi.encodeCall(KeelToken.initializeWithFeatures, (p, _features()))))
            );
        } else {
            t = _newToken(false);
            t.initializeWithFeatures(p, _features());
        }
    }

    function makeAddrView(string memory name_) internal pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name_)))));
    }

    function _unpause() internal {
        vm.prank(emergency);
        token.unpause();
    }

    function _mint(address to, uint256 amount) internal {
        vm.prank(issuer);
        token.mint(to, amount);
    }

    function _configure(address module, bytes memory callData) internal {
        compliance.callModuleFunction(callData, module);
    }
}
