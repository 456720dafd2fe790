// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Vm} from "../../utils/Vm.sol";
import {TokenFixture} from "../../token/TokenFixture.sol";
import {KeelToken} from "../../../src/token/KeelToken.sol";
import {KeelRoles} from "../../../src/token/KeelRoles.sol";
import {IIdentity} from "../../../src/interfaces/onchainid/IIdentity.sol";
import {MaxInvestorCountModule} from "../../../src/compliance/modules/MaxInvestorCountModule.sol";
import {TestIdentityRegistry} from "../../mocks/TestIdentityRegistry.sol";

/// @notice Random mints, transfers, forced transfers, burns and recoveries over wallets
/// where several wallets share one identity.
contract InvestorCountHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    KeelToken public immutable token;
    TestIdentityRegistry public immutable registry;
    address[] public wallets;
    uint256 public okRecoveries;
    uint256 public okMoves;

    constructor(KeelToken token_, TestIdentityRegistry registry_, address[] memory wallets_) {
        token = token_;
        registry = registry_;
        wallets = wallets_;
    }

    function walletCount() external view returns (uint256) {
        return wallets.length;
    }

    function _w(uint256 seed) internal view returns (address) {
        return wallets[seed % wallets.length];
    }

    function mint(uint256 toSeed, uint256 amount) external {
        try token.mint(_w(toSeed), amount % 1e6) {} catch {}
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _w(fromSeed);
        amount = amount % (token.balanceOf(from) + 2);
        vm.prank(from);
        try token.transfer(_w(toSeed), amount) {
            okMoves += 1;
        } catch {}
    }

    function forcedTransfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _w(fromSeed);
        amount = amount % (token.balanceOf(from) + 2);
        try token.forcedTransfer(from, _w(toSeed), amount) {
            okMoves += 1;
        } catch {}
    }

    function burn(uint256 fromSeed, uint256 amount) external {
        address from = _w(fromSeed);
        amount = amount % (token.balanceOf(from) + 2);
        try token.burn(from, amount) {} catch {}
    }

    /// @dev Recovers a wallet to another wallet of the same identity (if any).
    function recover(uint256 lostSeed, uint256 newSeed) external {
        address lost = _w(lostSeed);
        IIdentity id = registry.identity(lost);
        for (uint256 i = 0; i < wallets.length; ++i) {
            address candidate = _w(newSeed + i);
            if (candidate != lost && registry.identity(candidate) == id) {
                try token.recoveryAddress(lost, candidate, address(id)) {
                    okRecoveries += 1;
                } catch {}
                return;
            }
        }
    }
}

contract MaxInvestorCountInvariantTest is TokenFixture {
    MaxInvestorCountModule internal m;
    InvestorCountHandler internal handler;
    address[] internal identities;

    function setUp() public override {
        super.setUp();
        m = new MaxInvestorCountModule();
        compliance.addModule(address(m));
        compliance.callModuleFunction(abi.encodeCall(MaxInvestorCountModule.setMaxInvestors, (3)), address(m));
        compliance.callModuleFunction(
            abi.encodeCall(MaxInvestorCountModule.setMaxInvestorsPerCountry, (DE, 1)), address(m)
        );
        // alice: 3 wallets (US), bob: 2 wallets (DE), carol: 1 wallet (FR), dave: 2 wallets (DE)
        address dave = makeAddr("dave");
        registry.register(dave, DE);
        address[] memory ws = new address[](8);
        ws[0] = alice;
        ws[1] = _wallet(alice, "alice2", US);
        ws[2] = _wallet(alice, "alice3", US);
        ws[3] = bob;
        ws[4] = _wallet(bob, "bob2", DE);
        ws[5] = carol;
        ws[6] = dave;
        ws[7] = _wallet(dave, "dave2", DE);
        identities.push(address(registry.identity(alice)));
        identities.push(address(registry.identity(bob)));
        identities.push(address(registry.identity(carol)));
        identities.push(address(registry.identity(dave)));
        handler = new InvestorCountHandler(token, registry, ws);
        token.grantRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE, address(handler));
        token.grantRole(KeelRoles.CUSTODIAN_ROLE, address(handler));
        _unpause();
    }

    function _wallet(address owner, string memory label, uint16 country) internal returns (address w) {
        w = makeAddr(label);
        registry.registerIdentity(w, registry.identity(owner), country);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev Identities with a non-zero balance over all their wallets, overall and in `country`.
    function _holdingIdentities(uint16 country) internal view returns (uint256 all, uint256 inCountry) {
        for (uint256 k = 0; k < identities.length; ++k) {
            uint256 sum = 0;
            uint16 c = 0;
            for (uint256 i = 0; i < handler.walletCount(); ++i) {
                address w = handler.wallets(i);
                if (address(registry.identity(w)) == identities[k]) {
                    sum += token.balanceOf(w);
                    c = registry.investorCountry(w);
                }
            }
            if (sum != 0) {
                all += 1;
                if (c == country) inCountry += 1;
            }
        }
    }

    function test_handlerMovesAndRecovers() public {
        handler.mint(0, 100); // alice
        handler.transfer(0, 1, 40); // alice -> alice2
        handler.recover(1, 2); // alice2 -> alice3
        assertEq(handler.okRecoveries(), 1);
        assertEq(token.balanceOf(handler.wallets(2)), 40);
        assertEq(m.holderCount(address(compliance), address(token)), 1);
        handler.forcedTransfer(2, 3, 40); // alice3 -> bob
        assertEq(m.holderCount(address(compliance), address(token)), 2);
    }

    function invariant_investorCountEqualsHoldingIdentities() public view {
        (uint256 all,) = _holdingIdentities(US);
        assertEq(m.holderCount(address(compliance), address(token)), all, "investors");
    }

    function invariant_perCountryCountsEqualHoldingIdentities() public view {
        uint16[3] memory countries = [US, DE, FR];
        for (uint256 i = 0; i < countries.length; ++i) {
            (, uint256 inCountry) = _holdingIdentities(countries[i]);
            assertEq(
                m.holderCountByCountry(address(compliance), address(token), countries[i]), inCountry, "per country"
            );
        }
    }

    function invariant_holdingWalletsMatchBalances() public view {
        for (uint256 k = 0; k < identities.length; ++k) {
            uint256 holding = 0;
            for (uint256 i = 0; i < handler.walletCount(); ++i) {
                address w = handler.wallets(i);
                if (token.balanceOf(w) != 0 && address(registry.identity(w)) == identities[k]) holding += 1;
            }
            assertEq(m.holdingWalletsOf(address(compliance), address(token), identities[k]), holding, "wallets");
        }
    }
}

contract MaxInvestorCountProxiedInvariantTest is MaxInvestorCountInvariantTest {
    function _proxied() internal pure override returns (bool) {
        return true;
    }
}
